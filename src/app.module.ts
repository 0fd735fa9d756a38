import { DynamicModule, Module } from '@nestjs/common';
import { DestinationStream } from 'pino';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AccessModule } from './access/access.module';
import { AuthGuard } from './auth-guard/auth.guard';
import { AuthGuardModule } from './auth-guard/auth-guard.module';
import { BillingModule } from './billing/billing.module';
import { ChangesModule } from './changes/changes.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { CoreModule } from './common/core.module';
import { AppConfig } from './config/app-config';
import { CustomersModule } from './customers/customers.module';
import { EventsModule } from './events/events.module';
import { buildDataSourceOptions } from './database/data-source-options';
import { GitSourcesModule } from './git-sources/git-sources.module';
import { HealthController } from './health/health.controller';
import { HistoryModule } from './history/history.module';
import { MicroserviceModule } from './microservice/microservice.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ObservabilityModule } from './observability/observability.module';
import { PackagesModule } from './packages/packages.module';
import { PortalModule } from './portal/portal.module';
import { ComposerRepositoryModule } from './composer-repository/composer-repository.module';
import { TokensModule } from './tokens/tokens.module';

@Module({})
export class AppModule {
  /** `logDestination`: where logs go instead of stdout (tests read them). */
  static forRoot(config: AppConfig, databaseUrl: string, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        ObservabilityModule.forRoot(config, logDestination),
        TypeOrmModule.forRoot({ ...buildDataSourceOptions(databaseUrl), migrationsRun: true }),
        ChangesModule,
        AuthGuardModule,
        // Timers of every module (SchedulerRegistry): the periodic Git sync.
        ScheduleModule.forRoot(),
        HistoryModule,
        TokensModule,
        CustomersModule,
        AccessModule,
        PackagesModule,
        ComposerRepositoryModule,
        IdempotencyModule,
        BillingModule,
        PortalModule,
        GitSourcesModule,
        ApiKeysModule,
        EventsModule,
        MicroserviceModule,
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
