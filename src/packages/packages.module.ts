import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { ARCHIVE_STORAGE, archivesRoot, FilesystemArchiveStorage } from './archive-storage';
import { ArchiveSweeper } from './archive-sweeper.service';
import { archiveUploadOptions } from './archive-upload';
import { S3ArchiveStorage } from './s3-archive-storage';
import { PackageVersionRepository } from './package-version.repository';
import { PackageRepository } from './package.repository';
import { PackagesController } from './packages.controller';
import { CatalogRepository } from './catalog.repository';
import { PackagesService } from './packages.service';

@Module({
  imports: [MulterModule.registerAsync({ useFactory: archiveUploadOptions, inject: [APP_CONFIG] })],
  controllers: [PackagesController],
  providers: [
    PackagesService,
    PackageRepository,
    PackageVersionRepository,
    CatalogRepository,
    ArchiveSweeper,
    {
      provide: ARCHIVE_STORAGE,
      useFactory: (config: AppConfig) =>
        config.archiveStorage.kind === 's3'
          ? new S3ArchiveStorage(config.archiveStorage)
          : new FilesystemArchiveStorage(archivesRoot(config.dataDir)),
      inject: [APP_CONFIG],
    },
  ],
  exports: [PackagesService, PackageVersionRepository, CatalogRepository, ARCHIVE_STORAGE, ArchiveSweeper],
})
export class PackagesModule {}
