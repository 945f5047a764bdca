import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthThrottlerGuard, RateGroup } from '../http/auth-throttler.guard';
import { AuthCookies, COOKIES } from '../identity/auth-cookies';
import { CurrentCaller, Public, type Caller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import {
  ChangePasswordDto,
  EmptyDto,
  LoginDto,
  RefreshDto,
  RegisterDto,
  RegisteredDto,
  TokenResponseDto,
} from './auth.dto';
import { LoginSessions, type IssuedSession } from './login-sessions.service';
import { UserAccounts } from './user-accounts.service';

const tokenBody = (s: IssuedSession): TokenResponseDto => ({
  accessToken: s.accessToken,
  tokenType: 'Bearer',
  expiresIn: s.expiresIn,
  refreshToken: s.refreshToken,
  refreshExpiresAt: s.refreshExpiresAt,
});

/** API authentication: tokens in the body for Bearer use. The web signs in through its own forms. */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly accounts: UserAccounts,
    private readonly sessions: LoginSessions,
    private readonly cookies: AuthCookies,
    private readonly csrf: CsrfTokens,
  ) {}

  @Post('register')
  @Public()
  @UseGuards(AuthThrottlerGuard)
  @RateGroup('register')
  @ApiCreatedResponse({ type: RegisteredDto })
  @ApiConflictResponse({ description: 'email_taken' })
  @ApiUnprocessableEntityResponse({ description: 'weak_password, with every broken rule in details' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited' })
  async register(@Body() dto: RegisterDto): Promise<RegisteredDto> {
    return { user: await this.accounts.register(dto) };
  }

  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @RateGroup('login')
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ description: 'invalid_credentials' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (per IP) or too_many_attempts (per e-mail lockout)' })
  async login(@Body() dto: LoginDto, @Req() req: Request): Promise<TokenResponseDto> {
    const user = await this.accounts.authenticate(dto.email, dto.password);
    return tokenBody(await this.sessions.start(user, req.header('user-agent')));
  }

  /** Rotates the refresh token: from the body (API) or, for the web, from the cookie with x-csrf-token. */
  @Post('refresh')
  @Public()
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @RateGroup('refresh')
  @ApiOkResponse({ type: TokenResponseDto, description: 'cookie mode answers {expiresIn} and sets new cookies' })
  @ApiUnauthorizedResponse({ description: 'invalid_refresh_token' })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponseDto | { expiresIn: number }> {
    if (dto.refreshToken !== undefined) return tokenBody(await this.sessions.rotate(dto.refreshToken));
    const fromCookie = (req.cookies as Record<string, string | undefined>)[COOKIES.refresh] ?? '';
    // The page's CSRF token is bound to the session; with the access cookie expired, the refresh token names it.
    const sessionId = await this.sessions.sessionOf(fromCookie);
    this.csrf.assert(req, sessionId ?? '');
    const issued = await this.sessions.rotate(fromCookie);
    this.cookies.setSession(res, issued);
    return { expiresIn: issued.expiresIn };
  }

  /**
   * Changes the password and ends every session of the account (all their access tokens die within seconds);
   * answers a fresh session for this client.
   */
  @Post('password')
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @RateGroup('login')
  @ApiBearerAuth()
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiForbiddenResponse({ description: 'invalid_credentials (the current password is wrong)' })
  @ApiUnprocessableEntityResponse({ description: 'weak_password' })
  async changePassword(
    @CurrentCaller() caller: Caller,
    @Body() dto: ChangePasswordDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponseDto> {
    const user = await this.accounts.changePassword(caller.userId, dto.currentPassword, dto.newPassword);
    await this.sessions.revokeAll(user.id, 'password_changed');
    const issued = await this.sessions.start(user, req.header('user-agent'));
    if (caller.via === 'cookie') this.cookies.setSession(res, issued);
    return tokenBody(issued);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiNoContentResponse({ description: 'the session (and its refresh token) is revoked' })
  async logout(
    @CurrentCaller() caller: Caller,
    @Body() _body: EmptyDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (caller.sessionId) await this.sessions.revoke(caller.sessionId);
    this.cookies.clearSession(res);
  }
}
