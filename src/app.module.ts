import { DynamicModule, Module } from '@nestjs/common';
import { DestinationStream } from 'pino';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from './access/access.module';
import { AuthGuard } from './auth/auth.guard';
import { BillingModule } from './billing/billing.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { CoreModule } from './common/core.module';
import { AppConfig } from './config/app-config';
import { CustomersModule } from './customers/customers.module';
import { AccessChangeChannel } from './database/access-change-channel.service';
import { buildDataSourceOptions } from './database/data-source-options';
import { HealthController } from './health/health.controller';
import { HistoryModule } from './history/history.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ObservabilityModule } from './observability/observability.module';
import { PackagesModule } from './packages/packages.module';
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
        HistoryModule,
        TokensModule,
        CustomersModule,
        AccessModule,
        PackagesModule,
        ComposerRepositoryModule,
        IdempotencyModule,
        BillingModule,
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        AccessChangeChannel,
      ],
    };
  }
}
