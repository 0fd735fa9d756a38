import { Injectable, Logger } from '@nestjs/common';
import { OnPackyardEvent, PackyardEvent, StatusChangedData } from '@packyard/client';

/** Reacts to Packyard's events; a real service would email the customer here. */
@Injectable()
export class AccessNotifications {
  private readonly logger = new Logger(AccessNotifications.name);
  readonly statusChanges: Array<PackyardEvent<StatusChangedData>> = [];
  readonly grants: PackyardEvent[] = [];

  @OnPackyardEvent('customer.status_changed')
  onStatusChanged(event: PackyardEvent<StatusChangedData>): void {
    this.logger.log(`${event.data.customer_id}: ${event.data.from} -> ${event.data.to} by ${event.actor}`);
    this.statusChanges.push(event);
  }

  @OnPackyardEvent('access.granted', 'access.revoked')
  onAccessChanged(event: PackyardEvent): void {
    this.grants.push(event);
  }
}
