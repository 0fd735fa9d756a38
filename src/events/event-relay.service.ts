import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, QueryRunner } from 'typeorm';
import { ChangeBus } from '../changes/change-bus.service';
import { ChangeDoor } from '../changes/change-door.service';
import { ChangeEvent } from '../changes/change-event.entity';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { toEnvelope, wantsEvent } from './event-envelope';
import { NatsPublisher } from './nats-publisher.service';
import { nextAttemptAt, RetryPolicy } from './retry-schedule';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { AttemptOutcome, WebhookSender } from './webhook-sender';

/** pg advisory lock keys: one publisher of the outbox, one webhook sender, across all instances. */
const OUTBOX_LOCK = 0x5061_6b01;
const DELIVERY_LOCK = 0x5061_6b02;
const BATCH = 200;
const POLL_TIMER = 'packyard-event-relay';
/**
 * Between polls while nothing is waiting. Commits wake the relay at once (its own through the door,
 * other instances' through their change notifications), so the poll only finds what a failed round
 * left behind; polling every second on an idle server would be most of its database traffic.
 */
const IDLE_POLL_MS = 30_000;

/** Runs `work` when no run is in progress; a request during a run makes it run once more after. */
class Serial {
  private running?: Promise<void>;
  private again = false;

  constructor(private readonly work: () => Promise<void>) {}

  trigger(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.work();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }
}

/**
 * Publishes committed change events, at least once and in sequence order (a customer's changes are
 * serialized by its row lock, so sequence order is their commit order), to NATS JetStream and to the
 * registered webhooks. One instance at a time does each job (pg advisory locks); an instance is woken
 * by its own commits and polls for everyone else's, and for rows a crashed instance left unpublished.
 * A sink that is down leaves its events waiting: nothing is marked done before the sink has it.
 */
@Injectable()
export class EventRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventRelay.name);
  private readonly outbox = new Serial(() => this.withLock(OUTBOX_LOCK, (runner) => this.publishOutbox(runner)));
  private readonly deliveries = new Serial(() =>
    this.withLock(DELIVERY_LOCK, (runner) => this.deliverDue(runner.manager)),
  );
  private readonly retry: RetryPolicy;
  private closing = false;
  /** Whether the last round left something waiting (events, deliveries, or an error): poll soon then. */
  private workWaiting = true;
  private pollDue = 0;
  /** False once a look found no pending delivery and none was queued since: commits then skip the look. */
  private deliveriesWaiting = true;
  private lastWarning = { text: '', at: 0 };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveryRows: WebhookDeliveryRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly door: ChangeDoor,
    private readonly bus: ChangeBus,
    private readonly nats: NatsPublisher,
    private readonly sender: WebhookSender,
    private readonly scheduler: SchedulerRegistry,
    private readonly clock: Clock,
  ) {
    this.retry = {
      baseMs: config.webhookRetryBaseMs,
      maxDelayMs: 3_600_000,
      windowMs: config.webhookRetryHours * 3_600_000,
    };
  }

  onApplicationBootstrap(): void {
    this.door.onCommit((unit) => {
      if (unit.events.length > 0) void this.wake();
    });
    // Another instance's commit arrives as its change notification: publish without waiting for the
    // poll. A full flush (trust regained, or a change too wide to name) is left to the poll.
    this.bus.subscribe((keys) => {
      if (!keys.all) void this.wake();
    });
    void this.wake({ poll: true });
    this.schedulePoll();
  }

  /** RELAY_POLL_MS while work is waiting or other instances' notifications cannot reach us, else IDLE_POLL_MS. */
  private schedulePoll(): void {
    if (this.closing) return;
    const busy = this.workWaiting || !this.bus.cacheable;
    this.pollIn(busy ? this.config.relayPollMs : Math.max(this.config.relayPollMs, IDLE_POLL_MS));
  }

  private pollIn(delay: number): void {
    if (this.scheduler.doesExist('timeout', POLL_TIMER)) this.scheduler.deleteTimeout(POLL_TIMER);
    this.pollDue = Date.now() + delay;
    const timer = setTimeout(() => {
      this.scheduler.deleteTimeout(POLL_TIMER);
      void this.wake({ poll: true }).finally(() => this.schedulePoll());
    }, delay);
    timer.unref();
    this.scheduler.addTimeout(POLL_TIMER, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.scheduler.doesExist('timeout', POLL_TIMER)) this.scheduler.deleteTimeout(POLL_TIMER);
    await this.outbox.idle();
    await this.deliveries.idle();
  }

  /**
   * Publishes what is waiting, then sends what is due. A commit's wake looks for deliveries only when
   * some may be waiting (this instance queued some, or the last look found some); a poll always looks.
   */
  async wake(options: { poll?: boolean } = {}): Promise<void> {
    if (this.closing) return;
    this.workWaiting = false;
    await this.outbox.trigger();
    if (!this.closing && (options.poll || this.deliveriesWaiting)) await this.deliveries.trigger();
    // Left with work (a sink down, deliveries to retry): the idle poll is too far off.
    if (this.workWaiting && !this.closing && this.pollDue > Date.now() + this.config.relayPollMs)
      this.pollIn(this.config.relayPollMs);
  }

  private async withLock(lock: number, work: (runner: QueryRunner) => Promise<void>): Promise<void> {
    if (this.closing) return;
    let runner: QueryRunner | undefined;
    try {
      runner = this.dataSource.createQueryRunner();
      await runner.connect();
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [lock])) as Array<{
        locked: boolean;
      }>;
      if (!locked) return;
      try {
        await work(runner);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [lock]);
      }
    } catch (error) {
      this.workWaiting = true;
      if (!this.closing) this.warnOnce(`Event relay: ${(error as Error).message}; will retry`);
    } finally {
      await runner?.release().catch(() => undefined);
    }
  }

  /** A sink that stays down would otherwise log the same line at every poll. */
  private warnOnce(text: string): void {
    const now = Date.now();
    if (text === this.lastWarning.text && now - this.lastWarning.at < 60_000) return;
    this.lastWarning = { text, at: now };
    this.logger.warn(text);
  }

  private async publishOutbox(runner: QueryRunner): Promise<void> {
    for (;;) {
      if (this.closing) return;
      const rows = await runner.manager.find(ChangeEvent, {
        where: { publishedAt: IsNull() },
        order: { sequence: 'ASC' },
        take: BATCH,
      });
      if (rows.length === 0) return;
      this.workWaiting = true;
      const envelopes = rows.map((row) => toEnvelope(row));
      if (this.nats.enabled) await this.nats.publish(envelopes);
      const endpoints = await this.endpoints.list(runner.manager);
      await runner.manager.transaction(async (manager) => {
        const deliveries = rows.flatMap((row) =>
          endpoints
            .filter((endpoint) => wantsEvent(endpoint.events, row.type))
            .map((endpoint) => ({
              id: newId('dlv'),
              endpointId: endpoint.id,
              eventId: row.id,
              eventSequence: row.sequence,
              eventType: row.type,
              status: 'pending' as const,
              attempts: 0,
              nextAttemptAt: this.clock.now(),
            })),
        );
        await this.deliveryRows.insertIfNew(deliveries, manager);
        await manager.update(
          ChangeEvent,
          { sequence: In(rows.map((row) => row.sequence)) },
          { publishedAt: this.clock.now() },
        );
      });
      if (rows.length < BATCH) return;
    }
  }

  /** Each endpoint's oldest pending delivery goes first; a failure holds back the endpoint's later ones. */
  private async deliverDue(manager: EntityManager): Promise<void> {
    const heads = await this.deliveryRows.pendingHeads(manager);
    this.deliveriesWaiting = heads.length > 0;
    if (heads.length > 0) this.workWaiting = true;
    await Promise.all(heads.map((head) => this.drainEndpoint(manager, head)));
  }

  private async drainEndpoint(manager: EntityManager, head: WebhookDelivery | null): Promise<void> {
    const endpoint = head ? await this.endpoints.findById(head.endpointId, manager) : null;
    while (head && endpoint && !this.closing) {
      if (head.nextAttemptAt && head.nextAttemptAt.getTime() > this.clock.now().getTime()) return;
      const outcome = await this.attempt(endpoint, head, manager);
      if (!outcome.ok && head.status === 'pending') return;
      head = await this.deliveryRows.oldestPending(endpoint.id, manager);
    }
  }

  /**
   * Sends one delivery now and records the attempt. Used by the relay and by redelivery (which may
   * re-send a delivery that already succeeded; consumers deduplicate by event id). `manager`: the
   * relay's own connection; redelivery runs on the pool (or the request's unit of work).
   */
  async attempt(
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    manager: EntityManager = this.door.manager,
  ): Promise<AttemptOutcome> {
    const event = await manager.findOneBy(ChangeEvent, { id: delivery.eventId });
    const outcome: AttemptOutcome = event
      ? await this.sender.send(endpoint.url, endpoint.secret, toEnvelope(event))
      : { ok: false, responseStatus: null, durationMs: 0, error: 'the event no longer exists' };
    const now = this.clock.now();
    delivery.attempts += 1;
    delivery.lastAttemptAt = now;
    delivery.responseStatus = outcome.responseStatus;
    delivery.durationMs = outcome.durationMs;
    delivery.lastError = outcome.error;
    if (outcome.ok) {
      delivery.status = 'succeeded';
      delivery.deliveredAt = now;
      delivery.nextAttemptAt = null;
    } else if (delivery.status === 'pending') {
      const next = event ? nextAttemptAt(this.retry, delivery.createdAt, delivery.attempts, now) : null;
      delivery.nextAttemptAt = next;
      if (!next) delivery.status = 'failed';
    }
    await this.deliveryRows.save(delivery, manager);
    return outcome;
  }
}
