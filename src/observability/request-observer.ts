import { Inject, Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Logger } from 'pino';
import { HttpLogger } from 'pino-http';
import { createHttpLogger } from './logging';
import { Metrics } from './metrics.service';
import { routeClassOf } from './route-class';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Sees every HTTP request before anything answers it (the Composer fast path included): gives it
 * a request id and an access log line, counts it and times it, and keeps the number in flight so
 * a shutdown can wait for them.
 */
@Injectable()
export class RequestObserver {
  private readonly httpLogger: HttpLogger;
  private inFlight = 0;
  private draining = false;
  private idle?: () => void;

  constructor(
    @Inject(ROOT_LOGGER) root: Logger,
    private readonly metrics: Metrics,
  ) {
    this.httpLogger = createHttpLogger(root);
  }

  observe(request: IncomingMessage, response: ServerResponse): void {
    const started = performance.now();
    const route = routeClassOf(request.url);
    this.inFlight += 1;
    // A client that keeps its connection open would otherwise hold the shutdown until the timeout.
    if (this.draining) response.setHeader('Connection', 'close');
    this.httpLogger(request, response);
    response.once('close', () => {
      this.inFlight -= 1;
      this.metrics.requestFinished(route, response.writableFinished ? response.statusCode : 'aborted', (performance.now() - started) / 1000);
      if (this.inFlight === 0) this.idle?.();
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Resolves once no request is in flight (new ones are answered with `Connection: close`). */
  drained(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idle = resolve;
    });
  }
}
