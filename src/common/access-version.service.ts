import { Injectable } from '@nestjs/common';

/**
 * A counter bumped after every committed change that can alter what any customer may install
 * (grants, statuses, tokens, published versions). Caches stamp entries with the value read
 * *before* they query the database and drop entries whose stamp is older, so no request is ever
 * answered from data older than the last committed change.
 */
@Injectable()
export class AccessVersion {
  private current = 0;

  get value(): number {
    return this.current;
  }

  bump(): void {
    this.current += 1;
  }
}
