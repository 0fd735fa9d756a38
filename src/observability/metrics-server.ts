import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { Metrics } from './metrics.service';

/** METRICS_PORT: /metrics on a port of its own, for a scraper on the private network, without a token. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metricsPort;
    if (port === undefined) return;
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ statusCode: 404, error: 'not_found', message: 'Only GET /metrics is served here' }));
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(text),
        (error: Error) => {
          this.logger.error(`Collecting metrics failed: ${error.message}`);
          response
            .writeHead(500, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ statusCode: 500, error: 'internal_error', message: 'Collecting metrics failed' }));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics served on port ${port} at /metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
