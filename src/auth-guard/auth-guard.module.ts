import { Global, Module } from '@nestjs/common';
import { FailedAuthLimiter } from './failed-auth-limiter';

/** What every route that checks credentials shares: the global guard's failed-auth limits, and the portal's sign-in. */
@Global()
@Module({
  providers: [FailedAuthLimiter],
  exports: [FailedAuthLimiter],
})
export class AuthGuardModule {}
