import { ChangeEvent } from '../changes/change-event.entity';

/** Every event type Packyard publishes (NATS subject `<prefix>.<type>`, webhook `type`). */
export const PUBLISHED_EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.status_changed',
  'access.granted',
  'access.updated',
  'access.revoked',
  'access.frozen_versions_changed',
  'token.issued',
  'token.revoked',
  'package.version_published',
  'package.version_deleted',
] as const;

export type PublishedEventType = (typeof PUBLISHED_EVENT_TYPES)[number];

/** What consumers receive, on NATS and in webhook bodies alike. `id` is stable across redeliveries. */
export interface EventEnvelope {
  id: string;
  sequence: number;
  type: string;
  occurred_at: string;
  actor: string;
  customer_id: string | null;
  package_name: string | null;
  data: Record<string, unknown>;
}

export function toEnvelope(row: ChangeEvent): EventEnvelope {
  return {
    id: row.id,
    sequence: Number(row.sequence),
    type: row.type,
    occurred_at: row.occurredAt.toISOString(),
    actor: row.actor,
    customer_id: row.customerId,
    package_name: row.packageName,
    data: row.data,
  };
}

/** The NATS subject of an event type: `packyard.customer.status_changed`. */
export function subjectFor(prefix: string, type: string): string {
  return `${prefix}.${type}`;
}

/** The stream's subjects: one wildcard per event family, so request/reply subjects never land in it. */
export function streamSubjects(prefix: string): string[] {
  const families = new Set(PUBLISHED_EVENT_TYPES.map((type) => type.split('.')[0]));
  return [...families].map((family) => `${prefix}.${family}.>`);
}

/** Whether an endpoint subscribed to `patterns` wants `type` (`*` is every type). */
export function wantsEvent(patterns: readonly string[], type: string): boolean {
  return patterns.includes('*') || patterns.includes(type);
}
