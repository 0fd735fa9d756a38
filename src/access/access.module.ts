import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { HistoryModule } from '../history/history.module';
import { PackagesModule } from '../packages/packages.module';
import { AccessGrantRepository } from './access-grant.repository';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';
import { CustomerAccessRepository } from './customer-access.repository';
import { ExpirySweeper } from './expiry-sweeper.service';
import { FrozenVersionRepository } from './frozen-version.repository';

@Module({
  imports: [CustomersModule, HistoryModule, PackagesModule],
  controllers: [AccessController],
  providers: [AccessService, ExpirySweeper, AccessGrantRepository, FrozenVersionRepository, CustomerAccessRepository],
  exports: [AccessService, ExpirySweeper, CustomerAccessRepository],
})
export class AccessModule {}
