import { Module } from '@nestjs/common';
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

@Module({
  imports: [CustomersModule, PackagesModule, TokensModule],
  controllers: [ComposerRepositoryController, DownloadsController],
  providers: [
    ComposerRepositoryService,
    RepositoryViews,
    DownloadsService,
    ComposerFastPath,
    DistDelivery,
    DownloadRecorder,
    DownloadRepository,
  ],
  exports: [ComposerFastPath, ComposerRepositoryService, DownloadsService, DownloadRecorder],
})
export class ComposerRepositoryModule {}
