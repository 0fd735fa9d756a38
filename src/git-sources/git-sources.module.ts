import { Module } from '@nestjs/common';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { PackagesModule } from '../packages/packages.module';
import { GitSourceRepository } from './git-source.repository';
import { GitSourcesController } from './git-sources.controller';
import { GitSourcesService } from './git-sources.service';
import { GitSyncRepository } from './git-sync.repository';
import { GitSyncRunner } from './git-sync-runner.service';
import { GitWebhookController } from './git-webhook.controller';
import { SecretBox } from './secret-box';

/** Packages published from Git repositories: tags become releases, branches dev versions. */
@Module({
  imports: [PackagesModule],
  controllers: [GitSourcesController, GitWebhookController],
  providers: [
    GitSourcesService,
    GitSyncRunner,
    GitSourceRepository,
    GitSyncRepository,
    { provide: SecretBox, useFactory: (config: AppConfig) => new SecretBox(config), inject: [APP_CONFIG] },
  ],
})
export class GitSourcesModule {}
