import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ComposerRepositoryModule } from '../composer-repository/composer-repository.module';
import { CustomersModule } from '../customers/customers.module';
import { HistoryModule } from '../history/history.module';
import { PackagesModule } from '../packages/packages.module';
import { TokensModule } from '../tokens/tokens.module';
import { AccessMessages, CatalogMessages, CustomersMessages } from './admin.messages';

/** Message patterns answered when MICROSERVICE_TRANSPORT is tcp or nats (see microservice-transport.ts). */
@Module({
  imports: [CustomersModule, AccessModule, TokensModule, HistoryModule, PackagesModule, ComposerRepositoryModule],
  controllers: [CustomersMessages, AccessMessages, CatalogMessages],
})
export class MicroserviceModule {}
