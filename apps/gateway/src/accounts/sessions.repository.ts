import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '../identity/caller';

export interface RefreshTokenLookup {
  session_id: string;
  rotated_at: Date | null;
  user_id: string;
  role: Role;
  revoked_at: Date | null;
  expires_at: Date;
}

/** Login sessions and their refresh tokens (stored as SHA-256 digests only). */
@Injectable()
export class SessionsRepository {
  async insertSession(
    m: EntityManager,
    s: { id: string; userId: string; expiresAt: Date; userAgent: string | null },
  ): Promise<void> {
    await m.query(`INSERT INTO gateway.sessions (id, user_id, expires_at, user_agent) VALUES ($1, $2, $3, $4)`, [
      s.id,
      s.userId,
      s.expiresAt,
      s.userAgent,
    ]);
  }

  async insertToken(m: EntityManager, tokenHash: Buffer, sessionId: string): Promise<void> {
    await m.query(`INSERT INTO gateway.refresh_tokens (token_hash, session_id) VALUES ($1, $2)`, [
      tokenHash,
      sessionId,
    ]);
  }

  /** Locks the token row so two concurrent refreshes with one token cannot both rotate it. */
  async lockToken(m: EntityManager, tokenHash: Buffer): Promise<RefreshTokenLookup | undefined> {
    const rows = (await m.query(
      `SELECT t.session_id, t.rotated_at, s.user_id, u.role, s.revoked_at, s.expires_at
         FROM gateway.refresh_tokens t
         JOIN gateway.sessions s ON s.id = t.session_id
         JOIN gateway.users u ON u.id = s.user_id
        WHERE t.token_hash = $1
        FOR UPDATE OF t`,
      [tokenHash],
    )) as RefreshTokenLookup[];
    return rows[0];
  }

  async markRotated(m: EntityManager, tokenHash: Buffer): Promise<void> {
    await m.query(`UPDATE gateway.refresh_tokens SET rotated_at = now() WHERE token_hash = $1`, [tokenHash]);
  }

  async revoke(m: EntityManager, sessionId: string, reason: string): Promise<void> {
    await m.query(
      `UPDATE gateway.sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  async sessionOfToken(m: EntityManager, tokenHash: Buffer): Promise<string | undefined> {
    const rows = (await m.query(`SELECT session_id FROM gateway.refresh_tokens WHERE token_hash = $1`, [
      tokenHash,
    ])) as Array<{ session_id: string }>;
    return rows[0]?.session_id;
  }

  /** Revokes every open session of a user but one (a password change from that session); answers their ids. */
  async revokeOthersOf(m: EntityManager, userId: string, keepId: string, reason: string): Promise<string[]> {
    const rows = (await m.query(
      `UPDATE gateway.sessions SET revoked_at = now(), revoked_reason = $3
        WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id`,
      [userId, keepId, reason],
    )) as [Array<{ id: string }>, number];
    return rows[0].map((r) => r.id);
  }

  /** Revokes every open session of a user (password change); answers their ids. */
  async revokeAllOf(m: EntityManager, userId: string, reason: string): Promise<string[]> {
    const rows = (await m.query(
      `UPDATE gateway.sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, reason],
    )) as [Array<{ id: string }>, number];
    return rows[0].map((r) => r.id);
  }
}
