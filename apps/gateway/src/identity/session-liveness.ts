import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { Role } from './caller';

interface Verdict {
  live: boolean;
  until: number;
}

/** Cached verdicts kept at most; beyond it the oldest are dropped (each costs one query to learn again). */
const MAX_CACHED = 20_000;

/**
 * Whether an access token's session still stands: not revoked (logout, refresh-token reuse, password change),
 * not expired, and the account still has the role the token claims. Verdicts are cached for at most
 * SESSION_CHECK_TTL_MS (≤ 5 s), so a token dies within that time on every replica, not after its 15 minutes.
 */
@Injectable()
export class SessionLiveness {
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  async isLive(sessionId: string, userId: string, role: Role): Promise<boolean> {
    const key = `${sessionId}:${userId}:${role}`;
    const now = Date.now();
    const cached = this.verdicts.get(key);
    if (cached && cached.until > now) return cached.live;
    const rows = (await this.dataSource.query(
      `SELECT u.role FROM gateway.sessions s JOIN gateway.users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [sessionId, userId],
    )) as Array<{ role: Role }>;
    const live = rows[0]?.role === role;
    this.verdicts.delete(key);
    if (this.verdicts.size >= MAX_CACHED) {
      const oldest = this.verdicts.keys().next().value;
      if (oldest !== undefined) this.verdicts.delete(oldest);
    }
    this.verdicts.set(key, { live, until: now + this.config.env.SESSION_CHECK_TTL_MS });
    return live;
  }

  /** This replica forgets a session at once (others within the TTL). */
  forget(sessionId: string): void {
    for (const key of this.verdicts.keys()) if (key.startsWith(`${sessionId}:`)) this.verdicts.delete(key);
  }
}
