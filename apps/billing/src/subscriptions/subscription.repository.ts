import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PLAN_COLUMNS, planFromRow, type Plan, type PlanRow } from '../plans/plan';

export interface SubscriptionRow {
  user_id: string;
  plan_code: string;
  period_start: Date | null;
  period_end: Date | null;
  period_key: string | null;
  cycle_anchor: Date | null;
  cycle: number;
  cancel_at_period_end: boolean;
  next_plan_code: string | null;
}

export interface SubscriptionUpdate {
  plan_code: string;
  period_start: Date | null;
  period_end: Date | null;
  period_key: string | null;
  cycle_anchor: Date | null;
  cycle: number;
  cancel_at_period_end: boolean;
  next_plan_code: string | null;
}

const COLUMNS = `user_id, plan_code, period_start, period_end, period_key, cycle_anchor, cycle,
  cancel_at_period_end, next_plan_code`;

/** All SQL of subscriptions. Every method runs in the caller's transaction. */
@Injectable()
export class SubscriptionRepository {
  /** The database's clock for this transaction, so every decision in it sees one "now". */
  async now(m: EntityManager): Promise<Date> {
    const rows = (await m.query('SELECT now() AS now')) as Array<{ now: Date }>;
    return rows[0].now;
  }

  async find(m: EntityManager, userId: string): Promise<SubscriptionRow | undefined> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM billing.subscriptions WHERE user_id = $1`, [
      userId,
    ])) as SubscriptionRow[];
    return rows[0];
  }

  /** Locks the user's subscription row (created on the Free plan if missing): plan changes are serialised. */
  async lock(m: EntityManager, userId: string): Promise<SubscriptionRow> {
    await m.query(
      `INSERT INTO billing.subscriptions (user_id, plan_code) VALUES ($1, 'free') ON CONFLICT (user_id) DO NOTHING`,
      [userId],
    );
    const rows = (await m.query(`SELECT ${COLUMNS} FROM billing.subscriptions WHERE user_id = $1 FOR UPDATE`, [
      userId,
    ])) as SubscriptionRow[];
    return rows[0];
  }

  async update(m: EntityManager, userId: string, s: SubscriptionUpdate): Promise<SubscriptionRow> {
    const rows = (await m.query(
      `UPDATE billing.subscriptions SET plan_code = $2, period_start = $3, period_end = $4, period_key = $5,
              cycle_anchor = $6, cycle = $7, cancel_at_period_end = $8, next_plan_code = $9, updated_at = now()
        WHERE user_id = $1 RETURNING ${COLUMNS}`,
      [
        userId,
        s.plan_code,
        s.period_start,
        s.period_end,
        s.period_key,
        s.cycle_anchor,
        s.cycle,
        s.cancel_at_period_end,
        s.next_plan_code,
      ],
    )) as [SubscriptionRow[], number];
    return rows[0][0];
  }

  /** Users whose paid period has ended (renewal or expiry is due). */
  async dueUserIds(m: EntityManager, limit: number): Promise<string[]> {
    const rows = (await m.query(
      `SELECT user_id FROM billing.subscriptions WHERE period_end <= now() ORDER BY period_end LIMIT $1`,
      [limit],
    )) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }

  /** Locks one due subscription, skipping it if another sweeper (or the user) holds it. */
  async lockIfDue(m: EntityManager, userId: string): Promise<SubscriptionRow | undefined> {
    const rows = (await m.query(
      `SELECT ${COLUMNS} FROM billing.subscriptions WHERE user_id = $1 AND period_end <= now()
        FOR UPDATE SKIP LOCKED`,
      [userId],
    )) as SubscriptionRow[];
    return rows[0];
  }

  /** The plan in force for the user and the quota key of its period (NULL on Free: the calendar month). */
  async effectivePlan(m: EntityManager, userId: string): Promise<{ plan: Plan; periodKey: string | null }> {
    const rows = (await m.query(
      `SELECT ${PLAN_COLUMNS.replace(/(\w+)/g, 'p.$1')}, s.period_key
         FROM billing.plans p
         LEFT JOIN billing.subscriptions s ON s.user_id = $1
        WHERE p.code = COALESCE(s.plan_code, 'free')`,
      [userId],
    )) as Array<PlanRow & { period_key: string | null }>;
    return { plan: planFromRow(rows[0]), periodKey: rows[0].period_key };
  }
}
