import { CustomerStatus, OnExpiry } from '../customers/customer-status';

export const BILLING_PROVIDERS = ['stripe', 'paddle'] as const;
export type BillingProvider = (typeof BILLING_PROVIDERS)[number];

/** Subscription statuses as Stripe and Paddle name them (Paddle's are a subset of Stripe's). */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'trialing',
  'active',
  'past_due',
  'paused',
  'unpaid',
  'canceled',
  'incomplete_expired',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * Where a report comes from: `subscription` is the provider's own subscription object (Stripe
 * `customer.subscription.*`, Paddle `subscription.*`); `payment` is an invoice or transaction event,
 * only a hint of what the subscription's state became.
 */
export type ReportSource = 'subscription' | 'payment';

/** One thing a provider said about one subscription, at the provider's own time. */
export interface SubscriptionReport {
  provider: BillingProvider;
  eventId: string;
  subscriptionId: string;
  status: SubscriptionStatus;
  source: ReportSource;
  reportedAt: Date;
  /** For an ended subscription: when it ended (never later than its arrival). */
  endedAt: Date | null;
  reason: string;
}

/** The current state of one subscription, derived from every report about it. */
export interface SubscriptionState {
  provider: BillingProvider;
  subscriptionId: string;
  status: SubscriptionStatus;
  /** When the subscription entered its current status (for past_due: the start of the grace period). */
  since: Date;
  endedAt: Date | null;
  reason: string;
  /** The provider event that reported the current state. */
  eventId: string;
}

const ENDED: readonly SubscriptionStatus[] = ['canceled', 'incomplete_expired'];

/**
 * Within one second (Stripe's resolution), which of two subscription reports is the later step:
 * dunning moves forward (active → past_due → unpaid), and a checkout completes (incomplete → active).
 */
const SAME_SECOND_RANK: Record<SubscriptionStatus, number> = {
  incomplete: 0,
  trialing: 1,
  active: 2,
  past_due: 3,
  paused: 4,
  unpaid: 5,
  canceled: 6,
  incomplete_expired: 6,
};

/**
 * The order in which reports about one subscription take effect; the last one is the subscription's
 * state. It is a total order, so the result never depends on the order of arrival:
 * - an ended subscription stays ended (neither provider revives one), whatever arrives after;
 * - otherwise the provider's time decides;
 * - at the same time, the subscription object beats a payment hint (a hint never contradicts a
 *   subscription state as new as itself), two subscription states follow SAME_SECOND_RANK, and of two
 *   payment hints the payment wins (a paid invoice closes the failures before it);
 * - finally the event id, so that even identical reports have one fixed order.
 */
export function compareReports(a: SubscriptionReport, b: SubscriptionReport): number {
  const ended = Number(ENDED.includes(a.status)) - Number(ENDED.includes(b.status));
  if (ended !== 0) return ended;
  const time = a.reportedAt.getTime() - b.reportedAt.getTime();
  if (time !== 0) return time;
  if (a.source !== b.source) return a.source === 'payment' ? -1 : 1;
  const rank =
    a.source === 'payment' ? paymentRank(a) - paymentRank(b) : SAME_SECOND_RANK[a.status] - SAME_SECOND_RANK[b.status];
  if (rank !== 0) return rank;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

const paymentRank = (report: SubscriptionReport) => (report.status === 'active' ? 1 : 0);

/** The current state of each subscription named in the reports. */
export function subscriptionStates(reports: readonly SubscriptionReport[]): SubscriptionState[] {
  const bySubscription = new Map<string, SubscriptionReport[]>();
  for (const report of reports) {
    const key = `${report.provider}\u0000${report.subscriptionId}`;
    bySubscription.set(key, [...(bySubscription.get(key) ?? []), report]);
  }
  const states: SubscriptionState[] = [];
  for (const list of bySubscription.values()) {
    const ordered = [...list].sort(compareReports);
    const current = ordered[ordered.length - 1];
    // A past-due period starts at the first report of the unbroken run of past_due reports that ends the list.
    let since = current.reportedAt;
    for (let index = ordered.length - 1; index >= 0 && ordered[index].status === current.status; index -= 1)
      since = ordered[index].reportedAt;
    states.push({
      provider: current.provider,
      subscriptionId: current.subscriptionId,
      status: current.status,
      since,
      endedAt: ENDED.includes(current.status) ? (current.endedAt ?? current.reportedAt) : null,
      reason: current.reason,
      eventId: current.eventId,
    });
  }
  return states;
}

export interface BillingSettings {
  onExpiry: OnExpiry;
  /** Days a past-due subscription keeps access before the customer is suspended. */
  graceDays: number;
  now: Date;
}

/** The customer status billing calls for, and why. */
export interface BillingDecision {
  status: CustomerStatus;
  reason: string;
  /** For frozen: versions released before this instant stay installable. */
  endedAt: Date | null;
  /** When time alone will change this decision (a grace period ends); null when it will not. */
  reviewAt: Date | null;
  provider: BillingProvider;
  subscriptionId: string;
  eventId: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** What one subscription asks for; null when its status says nothing about access (incomplete). */
function decideOne(state: SubscriptionState, settings: BillingSettings): BillingDecision | null {
  const base = {
    provider: state.provider,
    subscriptionId: state.subscriptionId,
    eventId: state.eventId,
    endedAt: null,
    reviewAt: null,
  };
  switch (state.status) {
    case 'active':
    case 'trialing':
      return { ...base, status: 'active', reason: state.reason };
    case 'past_due': {
      if (settings.graceDays === 0) return { ...base, status: 'suspended', reason: state.reason };
      const graceEnds = new Date(state.since.getTime() + settings.graceDays * DAY_MS);
      const graceNote = `past due since ${state.since.toISOString()}, grace period of ${settings.graceDays} day(s)`;
      if (graceEnds > settings.now) {
        return {
          ...base,
          status: 'active',
          reason: `${state.reason} (${graceNote} until ${graceEnds.toISOString()})`,
          reviewAt: graceEnds,
        };
      }
      return {
        ...base,
        status: 'suspended',
        reason: `${state.reason} (${graceNote} ended ${graceEnds.toISOString()})`,
      };
    }
    case 'unpaid':
    case 'paused':
      return { ...base, status: 'suspended', reason: state.reason };
    case 'canceled':
    case 'incomplete_expired':
      return {
        ...base,
        status: settings.onExpiry === 'expire' ? 'expired' : 'frozen',
        reason: state.reason,
        endedAt: state.endedAt,
      };
    case 'incomplete':
      return null;
  }
}

/** Best first: what the customer can install under each status. */
const STATUS_PREFERENCE: Record<CustomerStatus, number> = { active: 0, frozen: 1, suspended: 2, expired: 3 };

function better(a: BillingDecision, b: BillingDecision): boolean {
  const preference = STATUS_PREFERENCE[a.status] - STATUS_PREFERENCE[b.status];
  if (preference !== 0) return preference < 0;
  // Active without a grace period beats active in one; a later end freezes to more versions.
  if ((a.reviewAt === null) !== (b.reviewAt === null)) return a.reviewAt === null;
  if (a.reviewAt && b.reviewAt && a.reviewAt.getTime() !== b.reviewAt.getTime()) return a.reviewAt > b.reviewAt;
  if (a.endedAt && b.endedAt && a.endedAt.getTime() !== b.endedAt.getTime()) return a.endedAt > b.endedAt;
  return `${a.provider}:${a.subscriptionId}` < `${b.provider}:${b.subscriptionId}`;
}

/**
 * The customer status their subscriptions call for: active/trialing → active; past_due → active
 * during the grace period, then suspended; unpaid/paused → suspended; canceled (ended) → the
 * customer's on_expiry (frozen to the versions released before the end, or expired). With several
 * subscriptions the best one wins. Null when no subscription says anything about access.
 */
export function billingDecision(
  states: readonly SubscriptionState[],
  settings: BillingSettings,
): BillingDecision | null {
  let best: BillingDecision | null = null;
  const graceEnds: Date[] = [];
  for (const state of states) {
    const decision = decideOne(state, settings);
    if (!decision) continue;
    if (decision.reviewAt) graceEnds.push(decision.reviewAt);
    if (!best || better(decision, best)) best = decision;
  }
  if (!best) return null;
  // While the best is active only by grace, the first grace end is the next moment to look again.
  const reviewAt = best.reviewAt ? new Date(Math.min(...graceEnds.map((date) => date.getTime()))) : null;
  return { ...best, reviewAt };
}
