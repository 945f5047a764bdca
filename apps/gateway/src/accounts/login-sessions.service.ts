import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { AccessTokens } from '../identity/access-tokens';
import { SessionLiveness } from '../identity/session-liveness';
import type { SessionTokens } from '../identity/auth-cookies';
import type { Role } from '../identity/caller';
import { SessionsRepository } from './sessions.repository';

// Two tabs refreshing with the same token at once is not theft: within this window the loser just gets 401.
const CONCURRENT_REFRESH_GRACE_MS = 10_000;

const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

export type IssuedSession = SessionTokens & { sessionId: string; userId: string; role: Role };

const invalidRefresh = () =>
  new ApiError(HttpStatus.UNAUTHORIZED, 'invalid_refresh_token', 'refresh token is invalid, expired or revoked');

/**
 * Login sessions: a short-lived access JWT plus an opaque refresh token (random 256 bits, stored as SHA-256)
 * that rotates on every use. Presenting an already rotated token again revokes the whole session
 * (a stolen token was used); logout revokes it too.
 */
@Injectable()
export class LoginSessions {
  private readonly logger = new Logger('LoginSessions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokens,
    private readonly liveness: SessionLiveness,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  async start(user: { id: string; role: Role }, userAgent: string | undefined): Promise<IssuedSession> {
    const sessionId = randomUUID();
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + this.config.env.REFRESH_TOKEN_TTL_SECONDS * 1000);
    await this.dataSource.transaction(async (m) => {
      await this.sessions.insertSession(m, {
        id: sessionId,
        userId: user.id,
        expiresAt: refreshExpiresAt,
        userAgent: userAgent?.slice(0, 300) ?? null,
      });
      await this.sessions.insertToken(m, digest(refreshToken), sessionId);
    });
    return this.issue(user, sessionId, refreshToken, refreshExpiresAt);
  }

  async rotate(refreshToken: string): Promise<IssuedSession> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(refreshToken)) throw invalidRefresh();
    const hash = digest(refreshToken);
    const next = randomBytes(32).toString('base64url');
    const outcome = await this.dataSource.transaction(async (m) => {
      const found = await this.sessions.lockToken(m, hash);
      if (!found || found.revoked_at || found.expires_at.getTime() <= Date.now()) return undefined;
      if (found.rotated_at) {
        if (Date.now() - found.rotated_at.getTime() > CONCURRENT_REFRESH_GRACE_MS) {
          await this.sessions.revoke(m, found.session_id, 'refresh_token_reuse');
          this.logger.warn(`refresh token reused; session ${found.session_id} revoked`);
          return 'reused' as const;
        }
        return undefined;
      }
      await this.sessions.markRotated(m, hash);
      await this.sessions.insertToken(m, digest(next), found.session_id);
      return found;
    });
    if (!outcome || outcome === 'reused') throw invalidRefresh();
    return this.issue({ id: outcome.user_id, role: outcome.role }, outcome.session_id, next, outcome.expires_at);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.dataSource.transaction((m) => this.sessions.revoke(m, sessionId, 'logout'));
    this.liveness.forget(sessionId);
  }

  /** Ends every session of the user (a password change): their access tokens die within the liveness TTL. */
  async revokeAll(userId: string, reason: string): Promise<void> {
    const ids = await this.dataSource.transaction((m) => this.sessions.revokeAllOf(m, userId, reason));
    for (const id of ids) this.liveness.forget(id);
  }

  /** Ends every session of the user except `keepId` (the one that changed the password). */
  async revokeOthers(userId: string, keepId: string, reason: string): Promise<void> {
    const ids = await this.dataSource.transaction((m) => this.sessions.revokeOthersOf(m, userId, keepId, reason));
    for (const id of ids) this.liveness.forget(id);
  }

  async sessionOf(refreshToken: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(refreshToken)) return undefined;
    return this.sessions.sessionOfToken(this.dataSource.manager, digest(refreshToken));
  }

  private issue(
    user: { id: string; role: Role },
    sessionId: string,
    refreshToken: string,
    refreshExpiresAt: Date,
  ): IssuedSession {
    return {
      accessToken: this.accessTokens.sign(user, sessionId),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      refreshExpiresAt,
      sessionId,
      userId: user.id,
      role: user.role,
    };
  }
}
