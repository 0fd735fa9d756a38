import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Request } from 'express';
import { Scope } from './scopes';

export type AuthKind = 'admin' | 'customer' | 'public';
export const AUTH_KIND = 'packyard:auth-kind';

/** No credentials needed (health, docs). */
export const Public = () => SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);
/** Composer repository routes: a customer token (Basic or Bearer); the admin token sees everything. */
export const CustomerAuth = () => SetMetadata(AUTH_KIND, 'customer' satisfies AuthKind);

/**
 * The scope an admin route needs from an API key. A route without one is for the root key
 * (ADMIN_TOKEN) only, so a new route is never opened to keys by accident.
 */
export const REQUIRED_SCOPE = 'packyard:required-scope';
export const RequireScope = (scope: Scope) =>
  applyDecorators(SetMetadata(REQUIRED_SCOPE, scope), ApiExtension('x-required-scope', { scope }));

/** An API key that authenticated a request, with the scopes it grants. */
export interface AuthenticatedApiKey {
  id: string;
  name: string;
  scopes: ReadonlySet<Scope>;
}

/** `apiKey` is absent for the root key (ADMIN_TOKEN), which holds every scope. */
export type Principal =
  { kind: 'admin'; apiKey?: AuthenticatedApiKey } | { kind: 'customer'; customerId: string; tokenId: string };

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
