import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { urlencoded } from 'express';
import helmet from 'helmet';
import { AccessModule } from '../access/access.module';
import { ComposerRepositoryModule } from '../composer-repository/composer-repository.module';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { CustomersModule } from '../customers/customers.module';
import { PackagesModule } from '../packages/packages.module';
import { TokensModule } from '../tokens/tokens.module';
import { PortalExceptionFilter } from './portal-exception.filter';
import { PortalSessions } from './portal-sessions';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

@Module({
  imports: [CustomersModule, AccessModule, TokensModule, PackagesModule, ComposerRepositoryModule],
  controllers: [PortalController],
  providers: [PortalService, PortalSessions, PortalExceptionFilter],
})
export class PortalModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Security headers and form parsing for the portal's pages only; the admin API and Composer answers stay as they are. */
  configure(consumer: MiddlewareConsumer): void {
    const https = this.config.publicUrl.startsWith('https:');
    consumer
      .apply(
        helmet({
          contentSecurityPolicy: {
            useDefaults: false,
            directives: {
              defaultSrc: ["'self'"],
              scriptSrc: ["'self'"],
              styleSrc: ["'self'"],
              // The vendor's logo and README images may live elsewhere; only over https.
              imgSrc: ["'self'", 'https:'],
              connectSrc: ["'self'"],
              fontSrc: ["'self'"],
              objectSrc: ["'none'"],
              baseUri: ["'none'"],
              formAction: ["'self'"],
              frameAncestors: ["'none'"],
              ...(https ? { upgradeInsecureRequests: [] } : {}),
            },
          },
          frameguard: { action: 'deny' },
          referrerPolicy: { policy: 'same-origin' },
          strictTransportSecurity: https ? { maxAge: 15552000 } : false,
        }),
        urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }),
      )
      .forRoutes(PortalController);
  }
}
