import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { Repository } from 'typeorm';
import { Principal } from '../auth/auth.decorators';
import { Clock } from '../common/clock';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../packages/archive-storage';
import { PackageVersion } from '../packages/package-version.entity';
import { Download } from './download.entity';
import { EncodedDocument, RepositoryView, RepositoryViews, VisiblePackage } from './repository-views.service';

@Injectable()
export class ComposerRepositoryService {
  constructor(
    private readonly views: RepositoryViews,
    @InjectRepository(Download) private readonly downloads: Repository<Download>,
    @Inject(ARCHIVE_STORAGE) private readonly storage: ArchiveStorage,
    private readonly clock: Clock,
  ) {}

  /** The instant a response is answered at (its Date header), from the one Clock. */
  now(): Date {
    return this.clock.now();
  }

  view(principal: Principal): Promise<RepositoryView> {
    return this.views.viewFor(principal);
  }

  p2(visible: VisiblePackage, dev: boolean): EncodedDocument | undefined {
    return this.views.p2For(visible, dev);
  }

  /** Records the download before serving it, so every archive that leaves is accounted for. */
  async download(principal: Principal, version: PackageVersion): Promise<Readable> {
    const stream = await this.storage.open(version.storageKey);
    if (principal.kind === 'customer') {
      try {
        await this.downloads.insert({
          customerId: principal.customerId,
          tokenId: principal.tokenId,
          packageName: version.packageName,
          version: version.version,
          versionNormalized: version.versionNormalized,
        });
      } catch (error) {
        stream.destroy();
        throw error;
      }
    }
    return stream;
  }
}
