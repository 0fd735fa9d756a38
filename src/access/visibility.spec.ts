import { CustomerStatus } from '../customers/customer-status';
import { decideAccess, VersionRef } from './visibility';

const catalog: Record<string, VersionRef[]> = {
  'acme/widget': ['3.0.0.0', '3.0.0.0-beta1', '2.1.0.0', '2.0.0.0', '1.2.0.0', '1.0.0.0', 'dev-main'].map((v) => ({
    packageName: 'acme/widget',
    versionNormalized: v,
  })),
  'acme/helper': [{ packageName: 'acme/helper', versionNormalized: '1.0.0.0' }],
};
const lookup = (name: string) => catalog[name] ?? [];
const NOW = new Date('2026-06-01T00:00:00Z');
const state = (status: CustomerStatus, expiresAt: Date | null = null, onExpiry: 'expire' | 'freeze' = 'freeze') => ({
  status,
  expiresAt,
  onExpiry,
});
const visibleOf = (decision: ReturnType<typeof decideAccess>) =>
  decision.kind === 'allowed'
    ? Object.fromEntries(
        [...decision.versions].map(([name, versions]) => [name, versions.map((v) => v.versionNormalized)]),
      )
    : decision;

describe('decideAccess', () => {
  it.each<[string, string[]]>([
    ['*', ['3.0.0.0', '3.0.0.0-beta1', '2.1.0.0', '2.0.0.0', '1.2.0.0', '1.0.0.0', 'dev-main']],
    ['^2.0', ['2.1.0.0', '2.0.0.0']],
    ['>=1.0 <3.0', ['2.1.0.0', '2.0.0.0', '1.2.0.0', '1.0.0.0']],
    ['<3.0', ['2.1.0.0', '2.0.0.0', '1.2.0.0', '1.0.0.0']],
    ['~1.2', ['1.2.0.0']],
    ['^3.0', ['3.0.0.0', '3.0.0.0-beta1']],
    ['2.0.0', ['2.0.0.0']],
    ['^1.0 || ^3.0', ['3.0.0.0', '3.0.0.0-beta1', '1.2.0.0', '1.0.0.0']],
    ['dev-main', ['dev-main']],
  ])('an active customer granted %s sees exactly %j', (constraint, expected) => {
    const decision = decideAccess(state('active'), NOW, [{ packageName: 'acme/widget', constraint }], [], lookup);
    expect(visibleOf(decision)).toEqual({ 'acme/widget': expected });
  });

  it('leaves out packages with no matching or no published version', () => {
    const decision = decideAccess(
      state('active'),
      NOW,
      [
        { packageName: 'acme/widget', constraint: '^9.0' },
        { packageName: 'acme/unpublished', constraint: '*' },
        { packageName: 'acme/helper', constraint: '*' },
      ],
      [],
      lookup,
    );
    expect(visibleOf(decision)).toEqual({ 'acme/helper': ['1.0.0.0'] });
  });

  it('shows a frozen customer exactly the pinned pairs that exist, whatever the grants say', () => {
    const decision = decideAccess(
      state('frozen'),
      NOW,
      [{ packageName: 'acme/widget', constraint: '*' }],
      [
        { packageName: 'acme/widget', versionNormalized: '2.0.0.0' },
        { packageName: 'acme/widget', versionNormalized: '9.9.9.9' },
        { packageName: 'acme/other', versionNormalized: '1.0.0.0' },
      ],
      lookup,
    );
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.0.0.0'] });
  });

  it('shows a frozen customer several pinned versions of one package, in catalog order', () => {
    const decision = decideAccess(
      state('frozen'),
      NOW,
      [],
      [
        { packageName: 'acme/widget', versionNormalized: '1.0.0.0' },
        { packageName: 'acme/widget', versionNormalized: '2.1.0.0' },
        { packageName: 'acme/helper', versionNormalized: '1.0.0.0' },
      ],
      lookup,
    );
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.1.0.0', '1.0.0.0'], 'acme/helper': ['1.0.0.0'] });
  });

  it('shows a frozen customer with no pins nothing', () => {
    expect(
      visibleOf(decideAccess(state('frozen'), NOW, [{ packageName: 'acme/widget', constraint: '*' }], [], lookup)),
    ).toEqual({});
  });

  it('returns the catalog entries themselves', () => {
    const decision = decideAccess(state('active'), NOW, [{ packageName: 'acme/helper', constraint: '*' }], [], lookup);
    expect(decision).toEqual({ kind: 'allowed', versions: new Map([['acme/helper', catalog['acme/helper']]]) });
    expect(decision.kind === 'allowed' && decision.versions.get('acme/helper')![0]).toBe(catalog['acme/helper'][0]);
  });

  it.each(['suspended', 'expired'] as const)('denies a %s customer everything', (status) => {
    expect(decideAccess(state(status), NOW, [{ packageName: 'acme/widget', constraint: '*' }], [], lookup)).toEqual({
      kind: 'denied',
      status,
    });
  });
});

describe('decideAccess after the subscription end', () => {
  const released = (v: string, at: string): VersionRef => ({
    packageName: 'acme/widget',
    versionNormalized: v,
    releasedAt: new Date(at),
  });
  const timeline = [
    released('2.2.0.0', '2026-05-20T00:00:00Z'),
    released('2.1.0.0', '2026-04-01T00:00:00Z'),
    released('2.0.0.0', '2026-01-01T00:00:00Z'),
  ];
  const grants = [{ packageName: 'acme/widget', constraint: '^2.0' }];
  const end = new Date('2026-05-01T00:00:00Z');

  it('keeps what the grants allowed among versions released before the end (on_expiry freeze)', () => {
    const decision = decideAccess(state('active', end, 'freeze'), NOW, grants, [], () => timeline);
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.1.0.0', '2.0.0.0'] });
  });

  it('leaves out a version released exactly at the end', () => {
    const atTheEnd = [released('2.3.0.0', '2026-05-01T00:00:00Z'), released('2.1.0.0', '2026-04-30T23:59:59.999Z')];
    const decision = decideAccess(state('active', end, 'freeze'), NOW, grants, [], () => atTheEnd);
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.1.0.0'] });
  });

  it('leaves out a version without a known release time', () => {
    const unknown = [{ packageName: 'acme/widget', versionNormalized: '2.4.0.0' }, ...timeline];
    const decision = decideAccess(state('active', end, 'freeze'), NOW, grants, [], () => unknown);
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.1.0.0', '2.0.0.0'] });
  });

  it('still applies the grant constraint to versions released before the end', () => {
    const decision = decideAccess(
      state('active', end, 'freeze'),
      NOW,
      [{ packageName: 'acme/widget', constraint: '~2.0.0' }],
      [],
      () => timeline,
    );
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.0.0.0'] });
  });

  it('shows nothing of a package whose every granted version came after the end', () => {
    const late = [released('2.2.0.0', '2026-05-20T00:00:00Z')];
    const decision = decideAccess(state('active', end, 'freeze'), NOW, grants, [], () => late);
    expect(visibleOf(decision)).toEqual({});
  });

  it('keeps a customer already frozen on their pins after the end', () => {
    const decision = decideAccess(
      state('frozen', end, 'expire'),
      NOW,
      grants,
      [{ packageName: 'acme/widget', versionNormalized: '2.2.0.0' }],
      () => timeline,
    );
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.2.0.0'] });
  });

  it('denies everything with on_expiry expire', () => {
    expect(decideAccess(state('active', end, 'expire'), NOW, grants, [], () => timeline)).toEqual({
      kind: 'denied',
      status: 'expired',
    });
  });

  it('applies to a suspended customer too, from the instant of the end', () => {
    const decision = decideAccess(state('suspended', NOW, 'freeze'), NOW, grants, [], () => timeline);
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.2.0.0', '2.1.0.0', '2.0.0.0'] });
  });

  it('changes nothing while the end is still ahead', () => {
    const decision = decideAccess(
      state('active', new Date('2026-07-01T00:00:00Z'), 'expire'),
      NOW,
      grants,
      [],
      () => timeline,
    );
    expect(visibleOf(decision)).toEqual({ 'acme/widget': ['2.2.0.0', '2.1.0.0', '2.0.0.0'] });
  });
});
