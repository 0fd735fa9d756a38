import { Module } from '@nestjs/common';
import { CustomerEventRepository } from './customer-event.repository';
import { HistoryController } from './history.controller';
import { HistoryService } from './history.service';

@Module({
  controllers: [HistoryController],
  providers: [HistoryService, CustomerEventRepository],
  exports: [HistoryService],
})
export class HistoryModule {}
