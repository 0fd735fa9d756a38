import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PackagesModule } from '../packages/packages.module';
import { TokensModule } from '../tokens/tokens.module';
import { ComposerFastPath } from './composer-fast-path';
import { ComposerRepositoryController } from './composer-repository.controller';
import { ComposerRepositoryService } from './composer-repository.service';
import { DistDelivery } from './dist-delivery.service';
import { DownloadRecorder } from './download-recorder.service';
import { Download } from './download.entity';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { RepositoryViews } from './repository-views.service';
import { ViewWarmUp } from './view-warm-up.service';

@Module({
  imports: [TypeOrmModule.forFeature([Download]), PackagesModule, TokensModule],
  controllers: [ComposerRepositoryController, DownloadsController],
  providers: [
    ComposerRepositoryService,
    RepositoryViews,
    DownloadsService,
    ComposerFastPath,
    DistDelivery,
    DownloadRecorder,
    ViewWarmUp,
  ],
  exports: [ComposerFastPath, ComposerRepositoryService, DownloadsService, DownloadRecorder],
})
export class ComposerRepositoryModule {}
