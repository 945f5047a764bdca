import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessTokens } from './access-tokens';
import { AuthCookies } from './auth-cookies';
import { AuthGuard } from './auth.guard';
import { CsrfTokens } from './csrf-tokens';
import { DevUserGuard } from './dev-user.guard';
import { JwtStrategy } from './jwt.strategy';
import { SessionLiveness } from './session-liveness';
import { VerifiedTokens } from './verified-tokens';

/** Who is calling: JWT verification, cookies, CSRF and the global authentication guard. */
@Global()
@Module({
  imports: [PassportModule.register({ session: false, property: 'caller' })],
  providers: [
    AccessTokens,
    AuthCookies,
    CsrfTokens,
    JwtStrategy,
    SessionLiveness,
    VerifiedTokens,
    DevUserGuard,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccessTokens, AuthCookies, CsrfTokens, DevUserGuard, SessionLiveness],
})
export class IdentityModule {}
