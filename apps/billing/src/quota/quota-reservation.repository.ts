import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type ReservationStatus = 'reserved' | 'committed' | 'released' | 'expired';

/** The saga step a held reservation waits on, in saga order; its inactivity limit sets the deadline. */
export const SAGA_STEPS = ['enhance', 'generate', 'judge'] as const;
export type SagaStep = (typeof SAGA_STEPS)[number];

export interface ReservationRow {
  generation_id: string;
  user_id: string;
  period: string;
  requested: number;
  delivered: number | null;
  status: ReservationStatus;
  reason: string | null;
  step: SagaStep;
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
  ): Promise<boolean> {
    const rows = (await m.query(
      `INSERT INTO billing.quota_rejections (generation_id, user_id, code, requested) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING generation_id`,
      [generationId, userId, code, requested],
    )) as unknown[];
    return rows.length > 0;
  }

  async findForUpdate(m: EntityManager, generationId: string): Promise<ReservationRow | undefined> {
    const rows = (await m.query(
      `SELECT generation_id, user_id, period, requested, delivered, status, reason, step
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

  /**
   * Held reservations past their deadline, locked so that concurrent sweepers take different ones. A reservation
   * whose completion has been seen is never taken: under the row lock PostgreSQL re-reads the row, so a marker
   * committed while the sweep waited still excludes it, and a row a completion is settling is skipped (locked).
   */
  async lockExpired(
    m: EntityManager,
    limit: number,
    grace: { since: Date; limits: Readonly<Record<SagaStep, number>> },
  ): Promise<ReservationRow[]> {
    // `grace`: a deadline counts only once its step's limit has also passed since billing began consuming, so the
    // events queued while billing was down (renewals, completions) are read before anything they concern expires.
    return (await m.query(
      `SELECT generation_id, user_id, period, requested, delivered, status, reason, step
         FROM billing.quota_reservations
        WHERE status = 'reserved' AND expires_at < now() AND completion_seen_at IS NULL
          AND $2::timestamptz + make_interval(secs => CASE step WHEN 'enhance' THEN $3::int
                                                            WHEN 'generate' THEN $4::int ELSE $5::int END) < now()
        ORDER BY expires_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit, grace.since, grace.limits.enhance, grace.limits.generate, grace.limits.judge],
    )) as ReservationRow[];
  }

  /**
   * Progress: the saga moved on to `step`, so its deadline becomes now + that step's inactivity limit. Only forward
   * (a late or redelivered event of an earlier step changes nothing) and only while the quota is held.
   */
  async renew(m: EntityManager, generationId: string, step: SagaStep, limitSeconds: number): Promise<boolean> {
    // An UPDATE answers [rows, affected count] through TypeORM's driver.
    const [, affected] = (await m.query(
      `UPDATE billing.quota_reservations
          SET step = $2, expires_at = now() + make_interval(secs => $3), last_progress_at = now(), updated_at = now()
        WHERE generation_id = $1 AND status = 'reserved'
          AND array_position($4::text[], step) < array_position($4::text[], $2)`,
      [generationId, step, limitSeconds, SAGA_STEPS],
    )) as [unknown[], number];
    return affected > 0;
  }

  /** The completion has arrived: from now on the sweep leaves this reservation to it (autocommitted on its own). */
  async markCompletionSeen(m: EntityManager, generationId: string): Promise<void> {
    await m.query(
      `UPDATE billing.quota_reservations SET completion_seen_at = now()
        WHERE generation_id = $1 AND status = 'reserved' AND completion_seen_at IS NULL`,
      [generationId],
    );
  }

  /** The completion was given up on (dead-lettered): the deadline applies again. */
  async clearCompletionSeen(m: EntityManager, generationId: string): Promise<void> {
    await m.query(
      `UPDATE billing.quota_reservations SET completion_seen_at = NULL
        WHERE generation_id = $1 AND status = 'reserved'`,
      [generationId],
    );
  }

  /** The refusal recorded for a generation that never held quota (rejected, or cancelled before it was reserved). */
  async rejectionCode(m: EntityManager, generationId: string): Promise<string | undefined> {
    const rows = (await m.query(`SELECT code FROM billing.quota_rejections WHERE generation_id = $1`, [
      generationId,
    ])) as Array<{ code: string }>;
    return rows[0]?.code;
  }
}
