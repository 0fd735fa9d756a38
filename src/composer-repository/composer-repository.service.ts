import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/auth.decorators';
import { Clock } from '../common/clock';
import { EncodedDocument, RepositoryView, RepositoryViews, VisiblePackage } from './repository-views.service';

@Injectable()
export class ComposerRepositoryService {
  constructor(
    private readonly views: RepositoryViews,
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
}
