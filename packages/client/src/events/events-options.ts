export const PACKYARD_EVENTS_OPTIONS = Symbol('PACKYARD_EVENTS_OPTIONS');

export interface PackyardEventsOptions {
  /** Events from Packyard's JetStream stream (needs the `nats` package). */
  nats?: {
    servers: string | string[];
    /** Packyard's NATS_STREAM (default `PACKYARD`). */
    stream?: string;
    /** Name of this app's durable consumer: it remembers what was delivered across restarts. */
    durableName: string;
    /** Where a new durable consumer starts: `new` events only (default) or `all` the stream keeps. */
    deliverFrom?: 'new' | 'all';
  };
  /** Events from a Packyard webhook (POST /api/v1/webhooks with this app's URL and secret). */
  webhook?: {
    secret: string;
    /** Route of the receiving controller (default `packyard/webhooks`). */
    path?: string;
  };
}
