import { decideAccess, VersionRef } from './visibility';

const catalog: Record<string, VersionRef[]> = {
  'acme/widget': ['3.0.0.0', '3.0.0.0-beta1', '2.1.0.0', '2.0.0.0', '1.2.0.0', '1.0.0.0', 'dev-main'].map((v) => ({
    packageName: 'acme/widget',
    versionNormalized: v,
  })),
  'acme/helper': [{ packageName: 'acme/helper', versionNormalized: '1.0.0.0' }],
};
const lookup = (name: string) => catalog[name] ?? [];
const visibleOf = (decision: ReturnType<typeof decideAccess>) =>
  decision.kind === 'allowed'
    ? Object.fromEntries([...decision.versions].map(([name, versions]) => [name, versions.map((v) => v.versionNormalized)]))
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
    const decision = decideAccess('active', [{ packageName: 'acme/widget', constraint }], [], lookup);
    expect(visibleOf(decision)).toEqual({ 'acme/widget': expected });
  });

  it('leaves out packages with no matching or no published version', () => {
    const decision = decideAccess(
      'active',
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
      'frozen',
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

  it.each(['suspended', 'expired'] as const)('denies a %s customer everything', (status) => {
    expect(decideAccess(status, [{ packageName: 'acme/widget', constraint: '*' }], [], lookup)).toEqual({ kind: 'denied', status });
  });
});
