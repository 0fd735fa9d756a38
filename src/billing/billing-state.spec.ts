import { CustomerStatus } from '../customers/customer-status';
import {
  BillingDecision,
  BillingSettings,
  billingDecision,
  compareReports,
  SubscriptionReport,
  SubscriptionState,
  subscriptionStates,
  SubscriptionStatus,
} from './billing-state';

const NOW = new Date('2026-06-10T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

function state(status: SubscriptionStatus, extra: Partial<SubscriptionState> = {}): SubscriptionState {
  return {
    provider: 'stripe',
    subscriptionId: 'sub_A',
    status,
    since: at(-DAY),
    endedAt: status === 'canceled' || status === 'incomplete_expired' ? at(-DAY) : null,
    reason: `Stripe: subscription sub_A is ${status}`,
    eventId: 'evt_A',
    ...extra,
  };
}

const settings = (extra: Partial<BillingSettings> = {}): BillingSettings => ({
  onExpiry: 'freeze',
  graceDays: 0,
  now: NOW,
  ...extra,
});

describe('billingDecision: the status one subscription calls for', () => {
  it.each<[string, SubscriptionState, Partial<BillingSettings>, CustomerStatus | null]>([
    ['active keeps access', state('active'), {}, 'active'],
    ['trialing keeps access', state('trialing'), {}, 'active'],
    [
      'past_due without a grace period suspends at once',
      state('past_due', { since: NOW }),
      { graceDays: 0 },
      'suspended',
    ],
    [
      'past_due within the grace period keeps access',
      state('past_due', { since: at(-2 * DAY) }),
      { graceDays: 3 },
      'active',
    ],
    [
      'past_due one millisecond before the grace ends keeps access',
      state('past_due', { since: at(-3 * DAY + 1) }),
      { graceDays: 3 },
      'active',
    ],
    [
      'past_due exactly when the grace ends suspends',
      state('past_due', { since: at(-3 * DAY) }),
      { graceDays: 3 },
      'suspended',
    ],
    [
      'past_due after the grace period suspends',
      state('past_due', { since: at(-4 * DAY) }),
      { graceDays: 3 },
      'suspended',
    ],
    ['unpaid suspends, whatever the grace period', state('unpaid'), { graceDays: 30 }, 'suspended'],
    ['paused suspends', state('paused'), { graceDays: 30 }, 'suspended'],
    ['canceled freezes an on_expiry=freeze customer', state('canceled'), { onExpiry: 'freeze' }, 'frozen'],
    ['canceled expires an on_expiry=expire customer', state('canceled'), { onExpiry: 'expire' }, 'expired'],
    [
      'incomplete_expired (a checkout that never completed) ends like canceled',
      state('incomplete_expired'),
      { onExpiry: 'expire' },
      'expired',
    ],
    ['incomplete says nothing about access', state('incomplete'), {}, null],
  ])('%s', (_name, subscription, extra, expected) => {
    expect(billingDecision([subscription], settings(extra))?.status ?? null).toBe(expected);
  });

  // The reason is what an operator reads in the customer's history: the provider's words, plus the grace period.
  it.each<[string, SubscriptionState, Partial<BillingSettings>, Partial<BillingDecision>]>([
    [
      'past_due without a grace period: the provider reason alone',
      state('past_due', { since: at(-DAY) }),
      { graceDays: 0 },
      { status: 'suspended', reason: 'Stripe: subscription sub_A is past_due', reviewAt: null },
    ],
    [
      'past_due in its grace period: when it started, how long it lasts, when it ends',
      state('past_due', { since: at(-DAY) }),
      { graceDays: 2 },
      {
        status: 'active',
        reason:
          'Stripe: subscription sub_A is past_due (past due since 2026-06-09T12:00:00.000Z, ' +
          'grace period of 2 day(s) until 2026-06-11T12:00:00.000Z)',
        reviewAt: at(DAY),
        endedAt: null,
      },
    ],
    [
      'past_due after its grace period: when it ended',
      state('past_due', { since: at(-3 * DAY) }),
      { graceDays: 2 },
      {
        status: 'suspended',
        reason:
          'Stripe: subscription sub_A is past_due (past due since 2026-06-07T12:00:00.000Z, ' +
          'grace period of 2 day(s) ended 2026-06-09T12:00:00.000Z)',
        reviewAt: null,
        endedAt: null,
      },
    ],
    [
      'unpaid: the provider reason, nothing to look at again',
      state('unpaid'),
      { graceDays: 2 },
      { status: 'suspended', reason: 'Stripe: subscription sub_A is unpaid', reviewAt: null, endedAt: null },
    ],
    [
      'expired: the end of the subscription',
      state('canceled', { endedAt: at(-4 * DAY) }),
      { onExpiry: 'expire' },
      { status: 'expired', reason: 'Stripe: subscription sub_A is canceled', endedAt: at(-4 * DAY), reviewAt: null },
    ],
  ])('%s', (_name, subscription, extra, expected) => {
    expect(billingDecision([subscription], settings(extra))).toEqual({
      provider: 'stripe',
      subscriptionId: 'sub_A',
      eventId: 'evt_A',
      endedAt: null,
      ...expected,
    });
  });

  it('knows nothing without subscriptions', () => {
    expect(billingDecision([], settings())).toBeNull();
  });

  it('freezes to the versions released before the subscription ended', () => {
    const decision = billingDecision([state('canceled', { endedAt: at(-5 * DAY) })], settings());
    expect(decision).toMatchObject({ status: 'frozen', endedAt: at(-5 * DAY), reviewAt: null });
  });

  it('names when a grace period ends, and says so in the reason', () => {
    const decision = billingDecision([state('past_due', { since: at(-DAY) })], settings({ graceDays: 7 }));
    expect(decision).toMatchObject({ status: 'active', reviewAt: at(6 * DAY), eventId: 'evt_A' });
    expect(decision?.reason).toContain(`grace period of 7 day(s) until ${at(6 * DAY).toISOString()}`);
    const ended = billingDecision([state('past_due', { since: at(-8 * DAY) })], settings({ graceDays: 7 }));
    expect(ended).toMatchObject({ status: 'suspended', reviewAt: null });
    expect(ended?.reason).toContain(`ended ${at(-DAY).toISOString()}`);
  });
});

describe('billingDecision: several subscriptions, the best wins', () => {
  const of = (id: string, status: SubscriptionStatus, extra: Partial<SubscriptionState> = {}) =>
    state(status, { subscriptionId: id, eventId: `evt_${id}`, reason: `sub ${id} ${status}`, ...extra });

  it.each<[string, SubscriptionState[], Partial<BillingSettings>, CustomerStatus, string]>([
    ['an active one beats an ended one', [of('old', 'canceled'), of('new', 'active')], {}, 'active', 'new'],
    ['an active one beats an unpaid one', [of('a', 'unpaid'), of('b', 'active')], {}, 'active', 'b'],
    [
      'one in its grace period beats an ended one',
      [of('a', 'canceled'), of('b', 'past_due', { since: at(-DAY) })],
      { graceDays: 3 },
      'active',
      'b',
    ],
    [
      'an active one beats one in its grace period',
      [of('a', 'past_due', { since: at(-DAY) }), of('b', 'active')],
      { graceDays: 3 },
      'active',
      'b',
    ],
    ['frozen (some versions) beats suspended (none)', [of('a', 'canceled'), of('b', 'unpaid')], {}, 'frozen', 'a'],
    ['suspended beats expired', [of('a', 'canceled'), of('b', 'paused')], { onExpiry: 'expire' }, 'suspended', 'b'],
    [
      'of two ended ones, the later end freezes to more versions',
      [of('a', 'canceled', { endedAt: at(-9 * DAY) }), of('b', 'canceled', { endedAt: at(-2 * DAY) })],
      {},
      'frozen',
      'b',
    ],
    ['an incomplete one does not hide an unpaid one', [of('a', 'incomplete'), of('b', 'unpaid')], {}, 'suspended', 'b'],
    // Equally good subscriptions: the same one is named whatever the order they are listed in.
    ['of two active ones, the first by id', [of('b', 'active'), of('a', 'active')], {}, 'active', 'a'],
    ['of two unpaid ones, the first by id', [of('b', 'unpaid'), of('a', 'unpaid')], {}, 'suspended', 'a'],
    [
      'of two ended at the same time, the first by id',
      [of('b', 'canceled', { endedAt: at(-DAY) }), of('a', 'canceled', { endedAt: at(-DAY) })],
      {},
      'frozen',
      'a',
    ],
    [
      'of two in their grace periods, the one that lasts longer',
      [of('a', 'past_due', { since: at(-2 * DAY) }), of('b', 'past_due', { since: at(-DAY) })],
      { graceDays: 3 },
      'active',
      'b',
    ],
    [
      'of two in grace periods ending together, the first by id',
      [of('b', 'past_due', { since: at(-DAY) }), of('a', 'past_due', { since: at(-DAY) })],
      { graceDays: 3 },
      'active',
      'a',
    ],
  ])('%s', (_name, states, extra, status, subscriptionId) => {
    const forward = billingDecision(states, settings(extra));
    const backward = billingDecision([...states].reverse(), settings(extra));
    expect(forward).toMatchObject({ status, subscriptionId });
    expect(backward).toEqual(forward);
  });

  it.each<[string, SubscriptionState[], Date | null]>([
    ['in grace beside an ended one: when the grace ends', [of('a', 'canceled'), of('b', 'past_due')], at(2 * DAY)],
    ['in grace beside an unpaid one: when the grace ends', [of('a', 'past_due'), of('b', 'unpaid')], at(2 * DAY)],
    ['active beside one in grace: never, access does not hang on it', [of('a', 'past_due'), of('b', 'active')], null],
  ])('knows when to look again: %s', (_name, states, reviewAt) => {
    for (const order of [states, [...states].reverse()])
      expect(billingDecision(order, settings({ graceDays: 3 }))?.reviewAt).toEqual(reviewAt);
  });

  it('looks again when the first of several grace periods ends', () => {
    const decision = billingDecision(
      [of('a', 'past_due', { since: at(-DAY) }), of('b', 'past_due', { since: at(-2 * DAY) })],
      settings({ graceDays: 3 }),
    );
    expect(decision).toMatchObject({ status: 'active', subscriptionId: 'a', reviewAt: at(DAY) });
  });
});

describe('subscriptionStates: the newest report of each subscription, whatever the order of arrival', () => {
  let sequence = 0;
  const T = NOW.getTime() - 10 * DAY;
  function report(
    status: SubscriptionStatus,
    seconds: number,
    source: 'subscription' | 'payment' = 'subscription',
    subscriptionId = 'sub_A',
  ): SubscriptionReport {
    sequence += 1;
    return {
      provider: 'stripe',
      eventId: `evt_${String(sequence).padStart(3, '0')}`,
      subscriptionId,
      status,
      source,
      reportedAt: new Date(T + seconds * 1000),
      endedAt: status === 'canceled' ? new Date(T + seconds * 1000) : null,
      reason: `${source} ${status} at ${seconds}`,
    };
  }
  const paid = (seconds: number) => report('active', seconds, 'payment');
  const failed = (seconds: number) => report('past_due', seconds, 'payment');

  function permutations<T>(items: T[]): T[][] {
    if (items.length <= 1) return [items];
    return items.flatMap((item, index) =>
      permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
    );
  }

  it.each<[string, () => SubscriptionReport[], SubscriptionStatus, number]>([
    ['a payment after a failure recovers (retry succeeded)', () => [failed(0), paid(600)], 'active', 600],
    [
      'a failure older than a payment stays in the past (late delivery)',
      () => [failed(0), paid(600), failed(300)],
      'active',
      600,
    ],
    [
      'dunning: failed attempts, then the subscription is past_due, then unpaid',
      () => [failed(0), report('past_due', 1), failed(3 * 86400), report('unpaid', 7 * 86400)],
      'unpaid',
      7 * 86400,
    ],
    [
      'an ended subscription stays ended, even after a later failure and payment of its last invoice',
      () => [report('canceled', 100), failed(100), paid(900)],
      'canceled',
      100,
    ],
    [
      'the subscription object beats a payment hint of the same second',
      () => [report('past_due', 50), paid(50)],
      'past_due',
      50,
    ],
    [
      'a newer payment hint beats an older subscription state (recovery before subscription.updated arrives)',
      () => [report('past_due', 50), paid(51)],
      'active',
      51,
    ],
    [
      'a newer subscription state beats an older payment hint',
      () => [paid(10), report('past_due', 20), failed(15)],
      'past_due',
      20,
    ],
    [
      'a checkout that completes in the same second is active',
      () => [report('incomplete', 5), report('active', 5)],
      'active',
      5,
    ],
    ['in the same second, dunning moves forward', () => [report('active', 5), report('past_due', 5)], 'past_due', 5],
    ['of two payment hints of the same second, the payment wins', () => [failed(5), paid(5)], 'active', 5],
    // The provider's event ids need not follow the order of the steps they report.
    [
      'the payment wins even when its event id is the older one',
      () => {
        const payment = paid(5);
        return [failed(5), payment];
      },
      'active',
      5,
    ],
    [
      'a completed checkout wins even when its event id is the older one',
      () => {
        const completed = report('active', 5);
        return [report('incomplete', 5), completed];
      },
      'active',
      5,
    ],
    [
      'renewal: a newer active state after a paid invoice',
      () => [report('active', 0), paid(30 * 86400), report('active', 30 * 86400)],
      'active',
      30 * 86400,
    ],
    [
      'cancellation at period end: active with cancel_at_period_end, then deleted',
      () => [report('active', 0), report('active', 100), report('canceled', 30 * 86400)],
      'canceled',
      30 * 86400,
    ],
    [
      'a duplicate report (same content, new event id) changes nothing',
      () => [report('past_due', 5), report('past_due', 5), report('active', 2)],
      'past_due',
      5,
    ],
  ])('%s', (_name, build, status, seconds) => {
    const reports = build();
    const results = permutations(reports).map((order) => subscriptionStates(order));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]).toHaveLength(1);
    expect(results[0][0].status).toBe(status);
    // The reason is the winning report's: its status at its time.
    expect(results[0][0].reason).toMatch(new RegExp(` ${status} at ${seconds}$`));
  });

  it('dates a past-due period from the first report of its unbroken run', () => {
    const [states] = [subscriptionStates([report('past_due', 100), failed(50), report('past_due', 400)])];
    expect(states[0]).toMatchObject({ status: 'past_due', since: new Date(T + 50 * 1000) });
    const restarted = subscriptionStates([report('past_due', 100), paid(200), report('past_due', 400), failed(500)]);
    expect(restarted[0]).toMatchObject({ status: 'past_due', since: new Date(T + 400 * 1000) });
  });

  it.each<[string, () => SubscriptionReport[], Partial<SubscriptionState>]>([
    [
      'active: since the first of its run of active reports, no end',
      () => [failed(0), report('active', 10), paid(20), report('active', 30)],
      { status: 'active', since: new Date(T + 10 * 1000), endedAt: null, reason: 'subscription active at 30' },
    ],
    [
      'canceled: ended when the provider says, not when it told us',
      () => [report('active', 0), { ...report('canceled', 500), endedAt: new Date(T + 400 * 1000) }],
      { status: 'canceled', since: new Date(T + 500 * 1000), endedAt: new Date(T + 400 * 1000) },
    ],
    [
      'incomplete_expired without an end date: ended when reported',
      () => [report('incomplete', 0), report('incomplete_expired', 900)],
      { status: 'incomplete_expired', since: new Date(T + 900 * 1000), endedAt: new Date(T + 900 * 1000) },
    ],
    [
      'of two ends, the later report',
      () => [report('canceled', 200), report('incomplete_expired', 100)],
      {
        status: 'canceled',
        since: new Date(T + 200 * 1000),
        endedAt: new Date(T + 200 * 1000),
        reason: 'subscription canceled at 200',
      },
    ],
  ])('describes the whole state: %s', (_name, build, expected) => {
    const reports = build();
    const winner = reports.find((r) => r.reason === (expected.reason ?? r.reason) && r.status === expected.status);
    for (const order of permutations(reports)) {
      expect(subscriptionStates(order)).toEqual([
        {
          provider: 'stripe',
          subscriptionId: 'sub_A',
          eventId: winner?.eventId,
          reason: winner?.reason,
          ...expected,
        },
      ]);
    }
  });

  it('keeps the same subscription id of two providers apart', () => {
    const paddle = { ...report('unpaid', 10), provider: 'paddle' as const };
    const states = subscriptionStates([report('active', 5), paddle]);
    expect(states.map((s) => [s.provider, s.subscriptionId, s.status]).sort()).toEqual([
      ['paddle', 'sub_A', 'unpaid'],
      ['stripe', 'sub_A', 'active'],
    ]);
  });

  it('keeps each subscription apart', () => {
    const states = subscriptionStates([
      report('canceled', 100, 'subscription', 'sub_old'),
      report('active', 50, 'subscription', 'sub_new'),
    ]);
    expect(states.map((s) => [s.subscriptionId, s.status]).sort()).toEqual([
      ['sub_new', 'active'],
      ['sub_old', 'canceled'],
    ]);
  });

  it('orders any two different reports one way only', () => {
    const reports = [
      report('active', 5),
      report('past_due', 5),
      paid(5),
      failed(5),
      report('canceled', 1),
      report('unpaid', 9),
      paid(9),
      // The same report delivered twice under two event ids.
      report('unpaid', 12),
      report('unpaid', 12),
    ];
    for (const a of reports) {
      expect(compareReports(a, a)).toBe(0);
      for (const b of reports)
        if (a !== b) expect(Math.sign(compareReports(a, b))).toBe(-Math.sign(compareReports(b, a)));
    }
  });
});
