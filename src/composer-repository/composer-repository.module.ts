import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CustomersModule } from '../customers/customers.module';
import { PackagesModule } from '../packages/packages.module';
import { TokensModule } from '../tokens/tokens.module';
import { ComposerFastPath } from './composer-fast-path';
import { ComposerRepositoryController } from './composer-repository.controller';
import { ComposerRepositoryService } from './composer-repository.service';
import { DistDelivery } from './dist-delivery.service';
import { DownloadRecorder } from './download-recorder.service';
import { DownloadRepository } from './download.repository';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { RepositoryViews } from './repository-views.service';
import { ViewWarmUp } from './view-warm-up.service';

@Module({
  imports: [AccessModule, CustomersModule, PackagesModule, TokensModule],
  controllers: [ComposerRepositoryController, DownloadsController],
  providers: [
    ComposerRepositoryService,
    RepositoryViews,
    DownloadsService,
    ComposerFastPath,
    DistDelivery,
    DownloadRecorder,
    DownloadRepository,
    ViewWarmUp,
  ],
  exports: [ComposerFastPath, ComposerRepositoryService, DownloadsService, DownloadRecorder],
})
export class ComposerRepositoryModule {}
