import { Injectable } from '@nestjs/common';

/** The one source of "now" for domain rules (expiry, token expiry), so tests move time instead of sleeping. */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Test hook: shifts this clock; production code never calls it. */
  travel(ms: number): void {
    this.offsetMs += ms;
  }
}
