import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { DatabaseState } from '../database/database-state.service';
import { Clock } from './clock';

/** Process-wide singletons every feature module may inject. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, Clock, DatabaseState],
      exports: [APP_CONFIG, Clock, DatabaseState],
    };
  }
}
