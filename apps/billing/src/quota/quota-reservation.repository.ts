import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type ReservationStatus = 'reserved' | 'committed' | 'released' | 'expired';

export interface ReservationRow {
  generation_id: string;
  user_id: string;
  period: string;
  requested: number;
  delivered: number | null;
  status: ReservationStatus;
}

export interface UsageRow {
  allowance: number;
  reserved: number;
  committed: number;
}

/** All SQL of quota accounting. Every method runs in the caller's transaction. */
@Injectable()
export class QuotaReservationRepository {
  /**
   * Opens the period's usage row with the plan's allowance (a snapshot: plan edits apply from the next period).
   */
  async ensureUsage(m: EntityManager, userId: string, period: string, allowance: number): Promise<void> {
    await m.query(
      `INSERT INTO billing.quota_usage (user_id, period, allowance) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [userId, period, allowance],
    );
  }

  /**
   * Holds `n` images and records the reservation in one statement, only if the period's usage stays within
   * its allowance. The UPDATE's row lock queues a user's concurrent requests and the condition is re-checked
   * after the lock, so the allowance is never exceeded. Returns false when refused (or the row is missing).
   */
  async reserveAndRecord(
    m: EntityManager,
    r: { generationId: string; userId: string; period: string; requested: number; ttlSeconds: number },
  ): Promise<boolean> {
    const rows = (await m.query(
      `WITH held AS (
         UPDATE billing.quota_usage SET reserved = reserved + $4
          WHERE user_id = $2 AND period = $3 AND reserved + committed + $4 <= allowance
         RETURNING user_id)
       INSERT INTO billing.quota_reservations (generation_id, user_id, period, requested, status, expires_at)
       SELECT $1, $2, $3, $4, 'reserved', now() + make_interval(secs => $5) FROM held
       RETURNING generation_id`,
      [r.generationId, r.userId, r.period, r.requested, r.ttlSeconds],
    )) as unknown[];
    return rows.length > 0;
  }

  async usage(m: EntityManager, userId: string, period: string): Promise<UsageRow | undefined> {
    const rows = (await m.query(
      `SELECT allowance, reserved, committed FROM billing.quota_usage WHERE user_id = $1 AND period = $2`,
      [userId, period],
    )) as UsageRow[];
    return rows[0];
  }

  async recordRejection(
    m: EntityManager,
    generationId: string,
    userId: string,
    code: string,
    requested: number,
  ): Promise<void> {
    await m.query(
      `INSERT INTO billing.quota_rejections (generation_id, user_id, code, requested) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [generationId, userId, code, requested],
    );
  }

  async findForUpdate(m: EntityManager, generationId: string): Promise<ReservationRow | undefined> {
    const rows = (await m.query(
      `SELECT generation_id, user_id, period, requested, delivered, status
         FROM billing.quota_reservations WHERE generation_id = $1 FOR UPDATE`,
      [generationId],
    )) as ReservationRow[];
    return rows[0];
  }

  /** Moves a held reservation to its final state and adjusts usage: `delivered` images become committed. */
  async settle(
    m: EntityManager,
    r: ReservationRow,
    status: Exclude<ReservationStatus, 'reserved'>,
    delivered: number,
    reason: string | null,
  ): Promise<void> {
    await m.query(
      `UPDATE billing.quota_reservations SET status = $2, delivered = $3, reason = $4, updated_at = now()
        WHERE generation_id = $1`,
      [r.generation_id, status, delivered, reason],
    );
    await m.query(
      `UPDATE billing.quota_usage SET reserved = reserved - $3, committed = committed + $4
        WHERE user_id = $1 AND period = $2`,
      [r.user_id, r.period, r.requested, delivered],
    );
  }

  /** Held reservations past their deadline, locked so that concurrent sweepers take different ones. */
  async lockExpired(m: EntityManager, limit: number): Promise<ReservationRow[]> {
    return (await m.query(
      `SELECT generation_id, user_id, period, requested, delivered, status
         FROM billing.quota_reservations
        WHERE status = 'reserved' AND expires_at < now()
        ORDER BY expires_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as ReservationRow[];
  }
}
