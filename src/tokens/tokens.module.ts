import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { HistoryModule } from '../history/history.module';
import { CustomerTokenRepository } from './customer-token.repository';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [CustomersModule, HistoryModule],
  controllers: [TokensController],
  providers: [TokensService, CustomerTokenRepository],
  exports: [TokensService],
})
export class TokensModule {}
