import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PackagesModule } from '../packages/packages.module';
import { ComposerRepositoryController } from './composer-repository.controller';
import { ComposerRepositoryService } from './composer-repository.service';
import { Download } from './download.entity';
import { RepositoryViews } from './repository-views.service';

@Module({
  imports: [TypeOrmModule.forFeature([Download]), PackagesModule],
  controllers: [ComposerRepositoryController],
  providers: [ComposerRepositoryService, RepositoryViews],
})
export class ComposerRepositoryModule {}
