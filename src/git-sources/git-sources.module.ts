import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { PackagesModule } from '../packages/packages.module';
import { GitSource } from './git-source.entity';
import { GitSourcesController } from './git-sources.controller';
import { GitSourcesService } from './git-sources.service';
import { GitSync } from './git-sync.entity';
import { GitSyncRunner } from './git-sync-runner.service';
import { GitWebhookController } from './git-webhook.controller';
import { SecretBox } from './secret-box';

/** Packages published from Git repositories: tags become releases, branches dev versions. */
@Module({
  imports: [TypeOrmModule.forFeature([GitSource, GitSync]), PackagesModule],
  controllers: [GitSourcesController, GitWebhookController],
  providers: [
    GitSourcesService,
    GitSyncRunner,
    { provide: SecretBox, useFactory: (config: AppConfig) => new SecretBox(config), inject: [APP_CONFIG] },
  ],
})
export class GitSourcesModule {}
