import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { currentActor } from '../common/actor-context';
import { Clock } from '../common/clock';
import { Metrics } from '../observability/metrics.service';
import { ChangeBus } from './change-bus.service';
import { ChangeEvent } from './change-event.entity';
import { CHANGE_CHANNEL, encodeNotification, isEmpty } from './change-keys';
import { UnitOfWork } from './unit-of-work';

/** A transaction-local setting that says "this transaction is a unit of work". */
export const UNIT_SETTING = 'packyard.unit';

type CommitListener = (unit: UnitOfWork) => void;

/**
 * The one door for every change that can alter what a customer may install (customers, statuses,
 * grants, freeze lists, tokens, package versions). `run` executes the work in ONE transaction and,
 * inside that same transaction, writes the change's events (the outbox) and sends
 * `pg_notify` with the touched keys, so PostgreSQL delivers the notification to every instance
 * exactly when the commit becomes visible, and never for a rollback. After the commit it applies
 * the keys to this instance's caches before returning (local read-your-writes).
 *
 * A `run` inside another `run` (a service calling another service, or an idempotent request that
 * wraps its whole handler) joins the outer unit: one transaction, one notification.
 */
@Injectable()
export class ChangeDoor {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger(ChangeDoor.name);
  private readonly current = new AsyncLocalStorage<UnitOfWork>();
  private readonly commitListeners: CommitListener[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async run<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    const outer = this.current.getStore();
    if (outer) return work(outer);
    let unit: UnitOfWork | undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      // Marks the transaction as a unit of work: the test suite's triggers refuse any write to an
      // access table without it (test/helpers/door-guard.ts), so no write path can bypass the door.
      await manager.query(`SELECT set_config('${UNIT_SETTING}', 'on', true)`);
      unit = new UnitOfWork(manager);
      const value = await this.current.run(unit, () => work(unit!));
      await this.seal(unit);
      return value;
    });
    await this.committed(unit!);
    return result;
  }

  /**
   * The manager reads should use: the unit's transaction inside a change (so a read sees the
   * change's own writes and never waits on its locks), the pool otherwise.
   */
  get manager(): EntityManager {
    return this.current.getStore()?.manager ?? this.dataSource.manager;
  }

  /** Called after every commit through the door, e.g. to wake the event relay. */
  onCommit(listener: CommitListener): void {
    this.commitListeners.push(listener);
  }

  private async seal(unit: UnitOfWork): Promise<void> {
    if (unit.events.length > 0) {
      const actor = currentActor();
      const occurredAt = this.clock.now();
      await unit.manager.save(
        unit.events.map((event) =>
          unit.manager.create(ChangeEvent, {
            id: event.id,
            type: event.type,
            actor,
            occurredAt,
            customerId: event.customerId ?? null,
            packageName: event.packageName ?? null,
            data: event.data,
            publishedAt: null,
          }),
        ),
        { reload: false },
      );
    }
    if (!isEmpty(unit.keys)) {
      await unit.manager.query('SELECT pg_notify($1, $2)', [
        CHANGE_CHANNEL,
        encodeNotification(this.instanceId, unit.keys),
      ]);
      this.metrics.changeNotification('sent');
    }
  }

  private async committed(unit: UnitOfWork): Promise<void> {
    this.bus.apply(unit.keys);
    for (const listener of this.commitListeners) listener(unit);
    for (const hook of unit.hooks) {
      try {
        await hook();
      } catch (error) {
        // The change is committed; what follows it (e.g. removing a file) must not turn it into an error.
        this.logger.warn(`After-commit work failed: ${(error as Error).message}`);
      }
    }
  }
}
