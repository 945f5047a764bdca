import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type AccountTokenPurpose = 'password_reset' | 'email_change';

/** 256 random bits, base64url: what a mailed link carries. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

export interface ConsumedToken {
  user_id: string;
  new_email: string | null;
}

/**
 * Single-use, expiring account tokens. Only their SHA-256 is stored; consuming one is a single conditional UPDATE,
 * so two concurrent uses cannot both succeed.
 */
@Injectable()
export class AccountTokensRepository {
  /** A fresh token; the user's older unused tokens of the same purpose stop working (only the newest link counts). */
  async issue(
    m: EntityManager,
    purpose: AccountTokenPurpose,
    userId: string,
    ttlSeconds: number,
    newEmail: string | null = null,
  ): Promise<string> {
    await m.query(
      `UPDATE gateway.account_tokens SET used_at = now()
        WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [userId, purpose],
    );
    // Spent and expired rows of this user go with each new one.
    await m.query(
      `DELETE FROM gateway.account_tokens WHERE user_id = $1 AND (used_at < now() - interval '1 day' OR expires_at < now() - interval '1 day')`,
      [userId],
    );
    const token = randomBytes(32).toString('base64url');
    await m.query(
      `INSERT INTO gateway.account_tokens (token_hash, purpose, user_id, new_email, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [digest(token), purpose, userId, newEmail, ttlSeconds],
    );
    return token;
  }

  /** The token's user if it would be accepted now (for showing the form); changes nothing. */
  async peek(m: EntityManager, purpose: AccountTokenPurpose, token: string): Promise<ConsumedToken | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const rows = (await m.query(
      `SELECT user_id, new_email FROM gateway.account_tokens
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [digest(token), purpose],
    )) as ConsumedToken[];
    return rows[0];
  }

  /** Marks the token used and answers its user; undefined when unknown, used, expired or of another purpose. */
  async consume(m: EntityManager, purpose: AccountTokenPurpose, token: string): Promise<ConsumedToken | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const rows = (await m.query(
      `UPDATE gateway.account_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, new_email`,
      [digest(token), purpose],
    )) as [ConsumedToken[], number];
    return rows[0][0];
  }
}
