import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { INTERNAL_ACTOR_HEADER, INTERNAL_ACTOR_PATTERN, setActor } from '../common/actor-context';
import { DomainError } from '../common/domain-error';
import { secretMatcher } from '../tokens/token-secret';
import { TokensService } from '../tokens/tokens.service';
import { AUTH_KIND, AuthenticatedRequest, AuthKind } from './auth.decorators';
import { readCredentials } from './credentials';
import { FailedAuthLimiter } from './failed-auth-limiter';

export const COMPOSER_REALM = 'Packyard';

/**
 * The one global guard. Routes are admin-only unless marked @Public() or @CustomerAuth(), so a
 * route nobody thought about is never left open.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly isAdminToken: (secret: string) => boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly failedAuth: FailedAuthLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.isAdminToken = secretMatcher(config.adminToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind =
      this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [context.getHandler(), context.getClass()]) ?? 'admin';
    if (kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credentials = readCredentials(request.headers.authorization);
    return kind === 'admin' ? this.admitAdmin(request, credentials) : this.admitCustomer(request, credentials);
  }

  private async admitAdmin(request: AuthenticatedRequest, credentials: ReturnType<typeof readCredentials>): Promise<boolean> {
    const challenge = { 'WWW-Authenticate': `Bearer realm="${COMPOSER_REALM} admin"` };
    if (!credentials || credentials.scheme !== 'bearer') {
      throw new DomainError(401, 'unauthorized', 'The admin API needs "Authorization: Bearer <ADMIN_TOKEN>"', undefined, challenge);
    }
    if (this.isAdminToken(credentials.secret)) {
      request.principal = { kind: 'admin' };
      setActor(this.adminActor(request));
      return true;
    }
    if (await this.tokens.authenticate(credentials.secret)) {
      throw new DomainError(403, 'forbidden', 'Customer tokens cannot use the admin API');
    }
    await this.failedAuth.failed({ address: clientAddress(request), secret: credentials.secret });
    throw new DomainError(401, 'unauthorized', 'Invalid admin token', undefined, challenge);
  }

  /** Other services calling with the admin token name themselves, so history says who acted. */
  private adminActor(request: AuthenticatedRequest): string {
    const header = request.headers[INTERNAL_ACTOR_HEADER];
    if (header === undefined) return 'admin';
    const name = Array.isArray(header) ? header[0] : header;
    if (!INTERNAL_ACTOR_PATTERN.test(name)) {
      throw new DomainError(400, 'invalid_actor', `${INTERNAL_ACTOR_HEADER} must match ${INTERNAL_ACTOR_PATTERN.source}`);
    }
    return `internal:${name}`;
  }

  private async admitCustomer(request: AuthenticatedRequest, credentials: ReturnType<typeof readCredentials>): Promise<boolean> {
    const challenge = { 'WWW-Authenticate': `Basic realm="${COMPOSER_REALM}"` };
    if (!credentials) {
      throw new DomainError(401, 'unauthorized', 'Credentials required: use your Packyard token as the password', undefined, challenge);
    }
    if (this.isAdminToken(credentials.secret)) {
      request.principal = { kind: 'admin' };
      return true;
    }
    const token = await this.tokens.authenticate(credentials.secret);
    if (!token) {
      // Checked after the credentials, so a valid token passes however many failures others caused.
      await this.failedAuth.failed({ address: clientAddress(request), secret: credentials.secret });
      throw new DomainError(401, 'unauthorized', 'Invalid or expired token', undefined, challenge);
    }
    this.tokens.recordUse(token.tokenId);
    request.principal = { kind: 'customer', customerId: token.customerId, tokenId: token.tokenId };
    return true;
  }
}

/** Express's view of the client (honours the app's "trust proxy" setting). */
export function clientAddress(request: AuthenticatedRequest): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}
