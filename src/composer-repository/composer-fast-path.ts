import { Inject, Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readCredentials } from '../auth/credentials';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { Metrics } from '../observability/metrics.service';
import { TokensService } from '../tokens/tokens.service';
import { answerMetadata, answerRoot, parseMetadataFile } from './composer-responses';
import { RepositoryViews } from './repository-views.service';

const METADATA_PATH = /^\/p2\/([a-z0-9_.-]+)\/([a-z0-9_.~-]+\.json)$/;

/**
 * Composer asks for packages.json and p2 files on every install; most of those requests are for
 * a view already in memory. This answers exactly those before Express and Nest route the
 * request, from the same caches and with the same response writers as the controller. Anything
 * it cannot answer from memory alone (cold caches, unknown or admin credentials, other URLs)
 * goes the normal way, which is also what fills the caches.
 */
@Injectable()
export class ComposerFastPath {
  constructor(
    private readonly tokens: TokensService,
    private readonly views: RepositoryViews,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** True when the request was answered. */
  tryServe(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET' || !request.url) return false;
    const url = request.url;
    const metadata = url === '/packages.json' ? undefined : METADATA_PATH.exec(url);
    if (url !== '/packages.json' && !metadata) return false;

    const credentials = readCredentials(request.headers.authorization);
    const token = credentials ? this.tokens.authenticateFromCache(credentials.secret) : undefined;
    if (!token) return false;
    const view = this.views.cachedViewFor({ kind: 'customer', customerId: token.customerId, tokenId: token.tokenId });
    if (!view) return false;

    this.tokens.recordUse(token.tokenId);
    this.metrics.fastPathAnswered();
    const contact = this.config.accessDeniedContact;
    if (!metadata) answerRoot(request, response, view, contact);
    else answerMetadata(request, response, view, contact, parseMetadataFile(metadata[1], metadata[2]), (visible, dev) => this.views.p2For(visible, dev));
    return true;
  }
}
