import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Request } from 'express';

export type AuthKind = 'admin' | 'customer' | 'public';
export const AUTH_KIND = 'packyard:auth-kind';

/** No credentials needed (health, docs). */
export const Public = () => SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);
/** Composer repository routes: a customer token (Basic or Bearer); the admin token sees everything. */
export const CustomerAuth = () => SetMetadata(AUTH_KIND, 'customer' satisfies AuthKind);

export type Principal = { kind: 'admin' } | { kind: 'customer'; customerId: string; tokenId: string };

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
