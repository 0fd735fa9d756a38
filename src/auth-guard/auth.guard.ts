import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysService, looksLikeApiKey } from '../api-keys/api-keys.service';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { INTERNAL_ACTOR_HEADER, INTERNAL_ACTOR_PATTERN, setActor } from '../common/actor-context';
import { DomainError } from '../common/domain-error';
import { TokensService } from '../tokens/tokens.service';
import {
  AUTH_KIND,
  AuthenticatedApiKey,
  AuthenticatedRequest,
  AuthKind,
  REQUIRED_SCOPE,
} from '../auth/auth.decorators';
import { missingScope, Scope } from '../auth/scopes';
import { readCredentials, secretMatcher } from '../auth/credentials';
import { FailedAuthLimiter } from './failed-auth-limiter';
import { RPC_ACTOR, RpcMessage } from '../auth/rpc-message';

export const COMPOSER_REALM = 'Packyard';

/**
 * The one global guard, for HTTP routes and microservice message patterns alike. Routes are
 * admin-only unless marked @Public() or @CustomerAuth(), so a route nobody thought about is never
 * left open; an API key may call an admin route only when it holds the route's @RequireScope.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly isAdminToken: (secret: string) => boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly apiKeys: ApiKeysService,
    private readonly failedAuth: FailedAuthLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.isAdminToken = secretMatcher(config.adminToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const required = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (context.getType() === 'rpc') return this.admitMessage(context.switchToRpc().getData<RpcMessage>(), required);
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, targets) ?? 'admin';
    if (kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credentials = readCredentials(request.headers.authorization);
    return kind === 'admin'
      ? this.admitAdmin(request, credentials, required)
      : this.admitCustomer(request, credentials);
  }

  private async admitAdmin(
    request: AuthenticatedRequest,
    credentials: ReturnType<typeof readCredentials>,
    required: Scope | undefined,
  ): Promise<boolean> {
    const challenge = { 'WWW-Authenticate': `Bearer realm="${COMPOSER_REALM} admin"` };
    if (!credentials || credentials.scheme !== 'bearer') {
      throw new DomainError(
        401,
        'unauthorized',
        'The admin API needs "Authorization: Bearer <ADMIN_TOKEN or API key>"',
        undefined,
        challenge,
      );
    }
    if (this.isAdminToken(credentials.secret)) {
      request.principal = { kind: 'admin' };
      setActor(this.rootActor(request));
      return true;
    }
    if (looksLikeApiKey(credentials.secret)) {
      const key = await this.apiKeys.authenticate(credentials.secret);
      if (!key) {
        await this.failedAuth.failed({ address: clientAddress(request), secret: credentials.secret });
        throw new DomainError(401, 'unauthorized', 'Invalid, revoked or expired API key', undefined, challenge);
      }
      if (request.headers[INTERNAL_ACTOR_HEADER] !== undefined) {
        throw new DomainError(
          400,
          'actor_header_not_allowed',
          `${INTERNAL_ACTOR_HEADER} is for the root key only: history names an API key by its own name`,
        );
      }
      this.checkScope(key, required);
      request.principal = { kind: 'admin', apiKey: key };
      setActor(`key:${key.name}`);
      return true;
    }
    if (await this.tokens.authenticate(credentials.secret)) {
      throw new DomainError(403, 'forbidden', 'Customer tokens cannot use the admin API');
    }
    await this.failedAuth.failed({ address: clientAddress(request), secret: credentials.secret });
    throw new DomainError(401, 'unauthorized', 'Invalid admin token', undefined, challenge);
  }

  /** A message carries its credential as `api_key` (an API key, or the root key). */
  private async admitMessage(message: RpcMessage, required: Scope | undefined): Promise<boolean> {
    const secret = typeof message?.api_key === 'string' ? message.api_key : '';
    if (!secret) throw new DomainError(401, 'unauthorized', 'The message needs "api_key"');
    let actor: string;
    if (this.isAdminToken(secret)) {
      actor = 'admin';
    } else {
      const key = await this.apiKeys.authenticate(secret);
      if (!key) throw new DomainError(401, 'unauthorized', 'Invalid, revoked or expired API key');
      this.checkScope(key, required);
      actor = `key:${key.name}`;
    }
    Object.defineProperty(message, RPC_ACTOR, { value: actor, enumerable: false });
    return true;
  }

  private checkScope(key: AuthenticatedApiKey, required: Scope | undefined): void {
    const missing = missingScope(key.scopes, required);
    if (missing === 'root') {
      throw new DomainError(403, 'insufficient_scope', 'Only the root key (ADMIN_TOKEN) may do this', {
        required: 'root',
      });
    }
    if (missing) {
      throw new DomainError(403, 'insufficient_scope', `The API key "${key.name}" lacks the scope "${missing}"`, {
        required: missing,
      });
    }
  }

  /** Other services calling with the root key may name themselves, so history says who acted. */
  private rootActor(request: AuthenticatedRequest): string {
    const header = request.headers[INTERNAL_ACTOR_HEADER];
    if (header === undefined) return 'admin';
    const name = Array.isArray(header) ? header[0] : header;
    if (!INTERNAL_ACTOR_PATTERN.test(name)) {
      throw new DomainError(
        400,
        'invalid_actor',
        `${INTERNAL_ACTOR_HEADER} must match ${INTERNAL_ACTOR_PATTERN.source}`,
      );
    }
    return `internal:${name}`;
  }

  private async admitCustomer(
    request: AuthenticatedRequest,
    credentials: ReturnType<typeof readCredentials>,
  ): Promise<boolean> {
    const challenge = { 'WWW-Authenticate': `Basic realm="${COMPOSER_REALM}"` };
    if (!credentials) {
      throw new DomainError(
        401,
        'unauthorized',
        'Credentials required: use your Packyard token as the password',
        undefined,
        challenge,
      );
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
