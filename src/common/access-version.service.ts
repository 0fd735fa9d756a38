import { Injectable } from '@nestjs/common';

/**
 * A counter bumped after every committed change that can alter what any customer may install
 * (grants, statuses, tokens, published versions). Caches stamp entries with the value read
 * *before* they query the database and drop entries whose stamp is older, so no request is ever
 * answered from data older than the last committed change.
 *
 * With several instances on one database, AccessChangeChannel relays bumps between them. While
 * that relay is down, this instance cannot know about other instances' changes, so every read
 * returns a new value: caches then never hit, and every request reads the database.
 */
@Injectable()
export class AccessVersion {
  private current = 0;
  private trusted = true;
  private readonly listeners: Array<() => void> = [];

  get value(): number {
    if (!this.trusted) this.current += 1;
    return this.current;
  }

  /** A change committed by this instance. */
  bump(): void {
    this.current += 1;
    for (const listener of this.listeners) listener();
  }

  /** A change committed by another instance: no need to tell the others again. */
  bumpFromPeer(): void {
    this.current += 1;
  }

  onLocalBump(listener: () => void): void {
    this.listeners.push(listener);
  }

  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.current += 1;
  }
}
