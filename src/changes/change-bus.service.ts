import { Injectable } from '@nestjs/common';
import { ChangeKeys, FLUSH_ALL, isEmpty } from './change-keys';

type ChangeListener = (keys: ChangeKeys) => void;

/** Past this many remembered keys a full flush is cheaper than the bookkeeping. */
const MAX_REMEMBERED_KEYS = 200_000;

/**
 * Where committed changes meet the caches of this instance. The change door applies its own
 * commits here synchronously (a request that starts after the commit sees it); the change listener
 * applies other instances' commits as PostgreSQL delivers their notifications.
 *
 * Caches read `stamp()` before they query the database and may store what they read only if
 * `unchangedSince(stamp, …)` still holds for every key the entry depends on: a change that commits
 * while an entry is being built is never hidden by it. While `cacheable` is false (this instance
 * is not listening, so it cannot know what the others changed) caches must not answer.
 */
@Injectable()
export class ChangeBus {
  private epoch = 0;
  private lastFlush = 0;
  private readonly lastTouched = new Map<string, number>();
  private trusted = false;
  private readonly listeners: ChangeListener[] = [];

  get cacheable(): boolean {
    return this.trusted;
  }

  stamp(): number {
    return this.epoch;
  }

  unchangedSince(stamp: number, customers: Iterable<string>, packages: Iterable<string>): boolean {
    if (!this.trusted || stamp < this.lastFlush) return false;
    for (const id of customers) if ((this.lastTouched.get(`c:${id}`) ?? 0) > stamp) return false;
    for (const name of packages) if ((this.lastTouched.get(`p:${name}`) ?? 0) > stamp) return false;
    return true;
  }

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  apply(keys: ChangeKeys): void {
    if (isEmpty(keys)) return;
    this.epoch += 1;
    if (keys.all || this.lastTouched.size > MAX_REMEMBERED_KEYS) {
      this.lastFlush = this.epoch;
      this.lastTouched.clear();
      keys = FLUSH_ALL;
    } else {
      for (const id of keys.customers) this.lastTouched.set(`c:${id}`, this.epoch);
      for (const name of keys.packages) this.lastTouched.set(`p:${name}`, this.epoch);
    }
    for (const listener of this.listeners) listener(keys);
  }

  /** Trust starts and ends with a full flush: nothing cached across a gap in what we heard. */
  setTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.apply(FLUSH_ALL);
    this.trusted = trusted;
  }
}
