import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { AccessGrant } from './access-grant.entity';
import { AccessController } from './access.controller';
import { AccessService } from './access.service';
import { FrozenVersion } from './frozen-version.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AccessGrant, FrozenVersion]), CustomersModule],
  controllers: [AccessController],
  providers: [AccessService],
  exports: [AccessService],
})
export class AccessModule {}
