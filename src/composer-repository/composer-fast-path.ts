import { Inject, Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { Metrics } from '../observability/metrics.service';
import { TokensService } from '../tokens/tokens.service';
import { answerMetadata, answerRoot, DistFile, parseMetadataFile, resolveDist } from './composer-responses';
import { DistDelivery } from './dist-delivery.service';
import { RepositoryViews } from './repository-views.service';

export const METADATA_PATH = /^\/p2\/([a-z0-9_.-]+)\/([a-z0-9_.~-]+\.json)$/;
const DIST_PATH = /^\/dists\/([a-z0-9_.-]+)\/([a-z0-9_.-]+)\/([^/?#]+)\/([^/?#]+)$/;

type Target =
  | { kind: 'root' }
  | { kind: 'metadata'; file: ReturnType<typeof parseMetadataFile> }
  | { kind: 'dist'; dist: DistFile };

/** Which Composer document a URL asks for; undefined for everything the fast path leaves to Nest. */
function targetOf(url: string): Target | undefined {
  if (url === '/packages.json') return { kind: 'root' };
  const metadata = METADATA_PATH.exec(url);
  if (metadata) return { kind: 'metadata', file: parseMetadataFile(metadata[1], metadata[2]) };
  const dist = DIST_PATH.exec(url);
  if (!dist) return undefined;
  // Decoded as Express decodes route parameters; a malformed escape is left to Express to refuse.
  try {
    return {
      kind: 'dist',
      dist: {
        packageName: `${dist[1]}/${dist[2]}`,
        versionNormalized: decodeURIComponent(dist[3]),
        file: decodeURIComponent(dist[4]),
      },
    };
  } catch {
    return undefined;
  }
}

/**
 * Composer asks for packages.json, p2 files and dist archives on every install; most of those
 * requests are for a view already in memory. This answers exactly those before Express and Nest
 * route the request, from the same caches and with the same response writers as the controller
 * (a dist download is recorded in DownloadRecorder's buffer, so it touches no database either).
 * Anything it cannot answer from memory alone (cold caches, unknown or admin credentials, other URLs)
 * goes the normal way, which is also what fills the caches. Wrong credentials always go that way,
 * so the guard counts and limits them (FailedAuthLimiter).
 */
@Injectable()
export class ComposerFastPath {
  constructor(
    private readonly tokens: TokensService,
    private readonly views: RepositoryViews,
    private readonly dists: DistDelivery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /** True when the request was answered. */
  tryServe(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET' || !request.url) return false;
    const target = targetOf(request.url);
    if (!target) return false;

    const token = this.tokens.authenticateHeaderFromCache(request.headers.authorization);
    if (!token) return false;
    const view = this.views.cachedViewFor({ kind: 'customer', customerId: token.customerId, tokenId: token.tokenId });
    if (!view) return false;

    this.tokens.recordUse(token.tokenId);
    this.metrics.fastPathAnswered();
    const contact = this.config.accessDeniedContact;
    switch (target.kind) {
      case 'root':
        answerRoot(request, response, view, contact);
        break;
      case 'metadata':
        answerMetadata(
          request,
          response,
          view,
          contact,
          target.file,
          (visible, dev) => this.views.p2For(visible, dev),
          this.clock.now(),
        );
        break;
      case 'dist': {
        const version = resolveDist(response, view, contact, target.dist);
        if (version) void this.dists.deliver({ kind: 'customer', ...token }, version, response);
        break;
      }
    }
    return true;
  }
}
