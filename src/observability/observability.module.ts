import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { createRootLogger } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { Metrics } from './metrics.service';
import { RequestObserver, ROOT_LOGGER } from './request-observer';

/**
 * Logs (pino, JSON or pretty, with request ids) and Prometheus metrics. Every request gets its
 * access line and its id from RequestObserver, at the HTTP server (app.setup.ts), so that requests
 * the Composer fast path answers before Express are logged and counted too; nestjs-pino then only
 * binds that request's logger for Nest's own Logger calls (`useExisting`).
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig, logDestination?: DestinationStream): DynamicModule {
    const root = createRootLogger(config, logDestination);
    return {
      module: ObservabilityModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: root }, useExisting: true })],
      controllers: [MetricsController],
      providers: [{ provide: ROOT_LOGGER, useValue: root }, Metrics, RequestObserver, MetricsServer],
      exports: [ROOT_LOGGER, Metrics, RequestObserver],
    };
  }
}
