import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PackyardEvent } from '../types';
import { PACKYARD_EVENT_HANDLER } from './on-packyard-event.decorator';

type Handler = (event: PackyardEvent) => unknown;

const REMEMBERED_IDS = 10_000;

/**
 * Finds every @OnPackyardEvent method and calls the matching ones for each event. Delivery is at
 * least once, so ids already handled by this process are skipped (a NATS redelivery, a webhook
 * retry after a lost answer); across restarts, handlers should be idempotent by `event.id`.
 */
@Injectable()
export class PackyardEventDispatcher implements OnModuleInit {
  private readonly logger = new Logger('PackyardEvents');
  private readonly handlers = new Map<string, Handler[]>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const types = this.reflector.get<string[] | undefined>(PACKYARD_EVENT_HANDLER, fn as () => unknown);
        if (!types) continue;
        for (const type of types) {
          const list = this.handlers.get(type) ?? [];
          list.push((event) => (fn as Handler).call(instance, event));
          this.handlers.set(type, list);
        }
      }
    }
  }

  /** The types some handler listens to; `*` when one listens to all. */
  get handledTypes(): string[] {
    return [...this.handlers.keys()];
  }

  async dispatch(event: PackyardEvent): Promise<void> {
    if (this.seen.has(event.id)) return;
    const handlers = [...(this.handlers.get(event.type) ?? []), ...(this.handlers.get('*') ?? [])];
    for (const handler of handlers) await handler(event);
    this.seen.add(event.id);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value as string);
  }
}
