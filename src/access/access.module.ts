import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { AccessGrant } from './access-grant.entity';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';
import { ExpirySweeper } from './expiry-sweeper.service';
import { HistoryModule } from '../history/history.module';
import { FrozenVersion } from './frozen-version.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AccessGrant, FrozenVersion]), CustomersModule, HistoryModule],
  controllers: [AccessController],
  providers: [AccessService, ExpirySweeper],
  exports: [AccessService, ExpirySweeper],
})
export class AccessModule {}
