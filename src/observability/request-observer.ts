import { Inject, Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Level, Logger } from 'pino';
import { requestIdOf } from './logging';
import { Metrics } from './metrics.service';
import { RouteClass, routeClassOf } from './route-class';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Failures are logged where they happen (an outage once, by DatabaseState); the access line only
 * says what was answered. Composer metadata answered successfully is most of the traffic (every
 * install asks for many p2 files) and is counted in the metrics, so its lines are `debug`: an
 * info-level line for each would cost the hot path a fifth of its time and flood the log.
 */
export function accessLevel(route: RouteClass, status: number): Level {
  if (status === 503) return 'warn';
  if (status >= 500) return 'error';
  return route === 'composer_metadata' && status < 400 ? 'debug' : 'info';
}

type ObservedRequest = IncomingMessage & { log?: Logger };

interface Observation {
  observer: RequestObserver;
  request: ObservedRequest;
  id: string;
  route: RouteClass;
  started: number;
}

const OBSERVATION = Symbol('observation');
type ObservedResponse = ServerResponse & { [OBSERVATION]: Observation };

/**
 * One listener for every response, its state kept on the response: a closure and a `once` wrapper
 * per request cost the warm Composer path measurably. A response closes exactly once.
 */
function onResponseClosed(this: ServerResponse): void {
  const observation = (this as ObservedResponse)[OBSERVATION];
  observation.observer.finished(observation, this);
}

/**
 * Sees every HTTP request before anything answers it (the Composer fast path included): gives it
 * a request id (X-Request-Id), writes its access log line and its metrics when it ends, and keeps
 * the number in flight so a shutdown can wait for them.
 *
 * This runs for every warm Composer request, so it does only what it must there: no child logger,
 * one log call at the end (none when the level is off). Headers are never logged: they carry
 * tokens, Basic credentials and signatures.
 */
@Injectable()
export class RequestObserver {
  private inFlight = 0;
  private draining = false;
  private idle?: () => void;
  /**
   * Access lines have a fixed shape without headers or bodies, so the root logger's redaction
   * (a walk over every secret-bearing path on each call) is replaced by one exact path here.
   */
  private readonly access: Logger;

  constructor(
    @Inject(ROOT_LOGGER) private readonly root: Logger,
    private readonly metrics: Metrics,
  ) {
    this.access = root.child({}, { redact: { paths: ['req.headers'], censor: '[redacted]' } });
  }

  observe(request: ObservedRequest, response: ServerResponse): void {
    const started = performance.now();
    const id = requestIdOf(request.headers['x-request-id']);
    // Sent by whoever answers: the Composer writers pass it to writeHead, routed requests get it from sendIdWithHeaders.
    request.id = id;
    this.inFlight += 1;
    // A client that keeps its connection open would otherwise hold the shutdown until the timeout.
    if (this.draining) response.setHeader('Connection', 'close');
    (response as ObservedResponse)[OBSERVATION] = {
      observer: this,
      request,
      id,
      route: routeClassOf(request.url),
      started,
    };
    response.on('close', onResponseClosed);
  }

  /** The end of an observed request: its metrics, its access line, and a shutdown waiting for it. */
  finished(observation: Observation, response: ServerResponse): void {
    this.inFlight -= 1;
    const seconds = (performance.now() - observation.started) / 1000;
    const finished = response.writableFinished;
    this.metrics.requestFinished(observation.route, finished ? response.statusCode : 'aborted', seconds);
    this.logAccess(observation.request, response, observation.id, observation.route, finished, seconds);
    if (this.inFlight === 0) this.idle?.();
  }

  /** For requests Express and Nest answer: they build their headers with setHeader anyway. */
  sendIdWithHeaders(request: ObservedRequest, response: ServerResponse): void {
    if (request.id) response.setHeader('X-Request-Id', String(request.id));
  }

  /** For requests Nest routes: Nest's Logger calls made while serving them carry the request id (nestjs-pino). */
  bindLogger(request: ObservedRequest): void {
    request.log = this.root.child({ reqId: request.id });
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

  private logAccess(
    request: ObservedRequest,
    response: ServerResponse,
    id: string,
    route: RouteClass,
    finished: boolean,
    seconds: number,
  ): void {
    const status = response.statusCode;
    const level = accessLevel(route, status);
    if (!this.access.isLevelEnabled(level)) return;
    this.access[level](
      {
        reqId: id,
        req: { method: request.method, url: request.url, route, remoteAddress: request.socket.remoteAddress },
        res: { statusCode: status },
        responseTime: Math.round(seconds * 1e4) / 10,
      },
      finished ? 'request completed' : 'request aborted',
    );
  }
}
