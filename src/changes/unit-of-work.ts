import { EntityManager } from 'typeorm';
import { newId } from '../common/ids';
import { ChangeKeys } from './change-keys';

export interface ChangeEventInput {
  /** Public event type, e.g. `customer.status_changed`, `package.version_published`. */
  type: string;
  customerId?: string | null;
  packageName?: string | null;
  data: Record<string, unknown>;
}

export interface PendingChangeEvent extends ChangeEventInput {
  id: string;
}

/**
 * One change in progress: its transaction, what it touches (for cache invalidation on every
 * instance), the events it will publish, and work that may only happen once it has committed.
 * Obtained from ChangeDoor.run; services joined to the same unit share one transaction.
 */
export class UnitOfWork {
  private readonly customers = new Set<string>();
  private readonly packages = new Set<string>();
  private everything = false;
  private readonly pending: PendingChangeEvent[] = [];
  private readonly afterCommitHooks: Array<() => unknown> = [];

  constructor(readonly manager: EntityManager) {}

  touchCustomer(customerId: string): void {
    this.customers.add(customerId);
  }

  touchPackage(packageName: string): void {
    this.packages.add(packageName);
  }

  touchEverything(): void {
    this.everything = true;
  }

  /** Queues an event; it is written in this transaction, so it exists if and only if the change commits. */
  emit(event: ChangeEventInput): string {
    const id = newId('evt');
    this.pending.push({ ...event, id });
    if (event.customerId) this.touchCustomer(event.customerId);
    if (event.packageName) this.touchPackage(event.packageName);
    return id;
  }

  /**
   * Runs `work` in a savepoint of this unit's transaction: when it throws, its writes and the
   * events it queued are undone, and the rest of the unit goes on.
   */
  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const queued = this.pending.length;
    const hooks = this.afterCommitHooks.length;
    try {
      return await this.manager.transaction(() => work());
    } catch (error) {
      this.pending.splice(queued);
      this.afterCommitHooks.splice(hooks);
      throw error;
    }
  }

  /** Runs after the commit (never after a rollback), e.g. removing a deleted version's archive. */
  afterCommit(hook: () => unknown): void {
    this.afterCommitHooks.push(hook);
  }

  get keys(): ChangeKeys {
    return { customers: this.customers, packages: this.packages, all: this.everything };
  }

  get events(): readonly PendingChangeEvent[] {
    return this.pending;
  }

  get hooks(): ReadonlyArray<() => unknown> {
    return this.afterCommitHooks;
  }
}
