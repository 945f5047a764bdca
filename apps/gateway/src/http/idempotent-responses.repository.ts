import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** How long a key holds its answer. */
export const IDEMPOTENCY_TTL_HOURS = 24;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; contentType: string | null; body: Buffer }
  | { kind: 'in_progress' }
  | { kind: 'different_request' };

/** The answers of keyed POSTs, per user (gateway.idempotent_responses). */
@Injectable()
export class IdempotentResponsesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the key for this request, atomically: a new key (or one older than the TTL) is claimed; otherwise the row
   * says whether the same request was answered (replay), is still running, or the key was used for another request.
   */
  async claim(userId: string, key: string, requestHash: string): Promise<Claim> {
    const claimed = (await this.dataSource.query(
      `INSERT INTO gateway.idempotent_responses (user_id, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, status = NULL, content_type = NULL, body = NULL, created_at = now()
        WHERE gateway.idempotent_responses.created_at < now() - make_interval(hours => $4)
       RETURNING 1`,
      [userId, key, requestHash, IDEMPOTENCY_TTL_HOURS],
    )) as unknown[];
    if (claimed.length > 0) return { kind: 'claimed' };
    const rows = (await this.dataSource.query(
      `SELECT request_hash, status, content_type, body FROM gateway.idempotent_responses WHERE user_id = $1 AND key = $2`,
      [userId, key],
    )) as Array<{ request_hash: string; status: number | null; content_type: string | null; body: Buffer | null }>;
    const row = rows[0];
    // Released between the two statements: the caller may simply try again.
    if (!row) return { kind: 'in_progress' };
    if (row.request_hash !== requestHash) return { kind: 'different_request' };
    if (row.status === null || row.body === null) return { kind: 'in_progress' };
    return { kind: 'replay', status: row.status, contentType: row.content_type, body: row.body };
  }

  async complete(userId: string, key: string, status: number, contentType: string | null, body: Buffer): Promise<void> {
    await this.dataSource.query(
      `UPDATE gateway.idempotent_responses SET status = $3, content_type = $4, body = $5 WHERE user_id = $1 AND key = $2`,
      [userId, key, status, contentType, body],
    );
  }

  /** Forgets a claim whose request failed on our side, so a retry with the key runs again. */
  async release(userId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM gateway.idempotent_responses WHERE user_id = $1 AND key = $2 AND status IS NULL`,
      [userId, key],
    );
  }

  async prune(): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `DELETE FROM gateway.idempotent_responses WHERE created_at < now() - make_interval(hours => $1)`,
      [IDEMPOTENCY_TTL_HOURS],
    )) as [unknown, number];
    return count;
  }
}
