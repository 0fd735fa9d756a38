import { CLAIM_LEASE_MS, judgeStoredKey, KEY_LIFETIME_MS, StoredKeyVerdict } from './idempotency.service';

describe('judgeStoredKey', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  /** A key created `createdAgoMs` ago whose lease was last renewed when it was created. */
  const stored = (
    status: 'in_progress' | 'completed',
    createdAgoMs: number,
    fingerprint = 'f1',
    renewedAgoMs = createdAgoMs,
  ) => ({
    fingerprint,
    status,
    leaseUntil: new Date(ago(renewedAgoMs).getTime() + CLAIM_LEASE_MS),
    expiresAt: new Date(ago(createdAgoMs).getTime() + KEY_LIFETIME_MS),
  });

  const cases: Array<[string, StoredKeyVerdict, ReturnType<typeof stored>, string]> = [
    ['a completed key, same request', 'replay', stored('completed', 1000), 'f1'],
    ['a completed key, another request', 'reused', stored('completed', 1000), 'f2'],
    ['a running key, same request', 'in_progress', stored('in_progress', 1000), 'f1'],
    ['a running key, another request', 'reused', stored('in_progress', 1000), 'f2'],
    ['a completed key nearly 24 hours old', 'replay', stored('completed', KEY_LIFETIME_MS - 1), 'f1'],
    ['an expired key, same request', 'claimable', stored('completed', KEY_LIFETIME_MS), 'f1'],
    ['an expired key, another request', 'claimable', stored('completed', KEY_LIFETIME_MS + 1), 'f2'],
    ['a claim held past its lease', 'claimable', stored('in_progress', CLAIM_LEASE_MS), 'f1'],
    ['a claim one millisecond before its lease ends', 'in_progress', stored('in_progress', CLAIM_LEASE_MS - 1), 'f1'],
    [
      'a long request whose lease was renewed a moment ago',
      'in_progress',
      stored('in_progress', 10 * CLAIM_LEASE_MS, 'f1', 1000),
      'f1',
    ],
    ['a completed key older than the lease', 'replay', stored('completed', CLAIM_LEASE_MS * 2), 'f1'],
  ];

  it.each(cases)('%s: %s', (_label, verdict, row, fingerprint) => {
    expect(judgeStoredKey(row, fingerprint, now)).toBe(verdict);
  });
});
