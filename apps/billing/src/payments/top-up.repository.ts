import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type TopUpStatus = 'pending' | 'succeeded' | 'failed';

export interface TopUpRow {
  id: string;
  user_id: string;
  idempotency_key: string;
  provider: string;
  amount_kopecks: string;
  currency: string;
  status: TopUpStatus;
  provider_payment_id: string | null;
  confirmation_url: string | null;
  refunded_kopecks: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, user_id, idempotency_key, provider, amount_kopecks, currency, status, provider_payment_id,
  confirmation_url, refunded_kopecks, created_at, updated_at`;

/** All SQL of top-ups and webhook deliveries. */
@Injectable()
export class TopUpRepository {
  /** Inserts a pending top-up unless the user already used the key; returns the row holding the key. */
  async insertOrGet(
    m: EntityManager,
    t: { id: string; userId: string; key: string; provider: string; amount: bigint },
  ): Promise<{ row: TopUpRow; created: boolean }> {
    const inserted = (await m.query(
      `INSERT INTO billing.top_ups (id, user_id, idempotency_key, provider, amount_kopecks, status)
       VALUES ($1, $2, $3, $4, $5, 'pending') ON CONFLICT (user_id, idempotency_key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [t.id, t.userId, t.key, t.provider, t.amount.toString()],
    )) as TopUpRow[];
    if (inserted[0]) return { row: inserted[0], created: true };
    const rows = (await m.query(`SELECT ${COLUMNS} FROM billing.top_ups WHERE user_id = $1 AND idempotency_key = $2`, [
      t.userId,
      t.key,
    ])) as TopUpRow[];
    return { row: rows[0], created: false };
  }

  /** Attaches the provider's payment (first writer wins; a concurrent retry reads the winner's). */
  async attachPayment(m: EntityManager, id: string, paymentId: string, url: string): Promise<TopUpRow> {
    await m.query(
      `UPDATE billing.top_ups SET provider_payment_id = $2, confirmation_url = $3, updated_at = now()
        WHERE id = $1 AND provider_payment_id IS NULL`,
      [id, paymentId, url],
    );
    const rows = (await m.query(`SELECT ${COLUMNS} FROM billing.top_ups WHERE id = $1`, [id])) as TopUpRow[];
    return rows[0];
  }

  async lockByPayment(m: EntityManager, provider: string, paymentId: string): Promise<TopUpRow | undefined> {
    const rows = (await m.query(
      `SELECT ${COLUMNS} FROM billing.top_ups WHERE provider = $1 AND provider_payment_id = $2 FOR UPDATE`,
      [provider, paymentId],
    )) as TopUpRow[];
    return rows[0];
  }

  async settle(
    m: EntityManager,
    id: string,
    status: Exclude<TopUpStatus, 'pending'>,
    ledgerTransactionId: string | null,
    failure: string | null,
  ): Promise<void> {
    await m.query(
      `UPDATE billing.top_ups SET status = $2, ledger_transaction_id = $3, failure = $4, updated_at = now()
        WHERE id = $1`,
      [id, status, ledgerTransactionId, failure],
    );
  }

  async list(m: EntityManager, userId: string, limit: number, before?: { createdAt: string; id: string }) {
    return (await m.query(
      `SELECT ${COLUMNS} FROM billing.top_ups
        WHERE user_id = $1 AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit, before?.createdAt ?? null, before?.id ?? null],
    )) as TopUpRow[];
  }

  async recordDelivery(
    m: EntityManager,
    d: {
      provider: string;
      event: string | null;
      paymentId: string | null;
      outcome: string;
      detail: string | null;
      body: string;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO billing.webhook_deliveries (provider, event, provider_payment_id, outcome, detail, body)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [d.provider, d.event, d.paymentId, d.outcome, d.detail, d.body.slice(0, 65536)],
    );
  }

  /** One of the user's top-ups, by our id or by the provider's payment id (scoped to the owner). */
  async findForUser(
    m: EntityManager,
    userId: string,
    by: { id?: string; providerPaymentId?: string },
  ): Promise<TopUpRow | undefined> {
    const rows = (await m.query(
      `SELECT ${COLUMNS} FROM billing.top_ups
        WHERE user_id = $1 AND (($2::uuid IS NOT NULL AND id = $2::uuid) OR ($2::uuid IS NULL AND provider_payment_id = $3))`,
      [userId, by.id ?? null, by.providerPaymentId ?? null],
    )) as TopUpRow[];
    return rows[0];
  }

  async lockById(m: EntityManager, id: string): Promise<TopUpRow | undefined> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM billing.top_ups WHERE id = $1 FOR UPDATE`, [id])) as TopUpRow[];
    return rows[0];
  }

  async addRefunded(m: EntityManager, id: string, amount: bigint): Promise<void> {
    await m.query(
      `UPDATE billing.top_ups SET refunded_kopecks = refunded_kopecks + $2, updated_at = now() WHERE id = $1`,
      [id, amount.toString()],
    );
  }

  /** Every user's top-ups (admin), newest first, optionally one status. */
  async listAll(
    m: EntityManager,
    limit: number,
    status: string | null,
    before?: { createdAt: string; id: string },
  ): Promise<TopUpRow[]> {
    return (await m.query(
      `SELECT ${COLUMNS} FROM billing.top_ups
        WHERE ($2::text IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit, status, before?.createdAt ?? null, before?.id ?? null],
    )) as TopUpRow[];
  }
}
