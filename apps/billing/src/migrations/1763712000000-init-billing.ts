import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDownSql, messagingTablesUpSql } from '@atelier/messaging';

export class InitBilling1763712000000 implements MigrationInterface {
  name = 'InitBilling1763712000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesUpSql('billing')) await q.query(sql);
    await q.query(`
      CREATE TABLE billing.quota_usage (
        user_id uuid NOT NULL,
        period text NOT NULL,
        allowance integer NOT NULL CHECK (allowance >= 0),
        reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        committed integer NOT NULL DEFAULT 0 CHECK (committed >= 0),
        PRIMARY KEY (user_id, period),
        -- The invariant the reservation logic relies on, enforced by the database as well.
        CHECK (reserved + committed <= allowance)
      )`);
    await q.query(`
      CREATE TABLE billing.quota_reservations (
        generation_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        period text NOT NULL,
        requested integer NOT NULL CHECK (requested > 0),
        delivered integer,
        status text NOT NULL CHECK (status IN ('reserved', 'committed', 'released', 'expired')),
        reason text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX quota_reservations_expiry_idx ON billing.quota_reservations (expires_at) WHERE status = 'reserved'`,
    );
    await q.query(`
      CREATE TABLE billing.quota_rejections (
        generation_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        code text NOT NULL,
        requested integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE billing.quota_rejections');
    await q.query('DROP TABLE billing.quota_reservations');
    await q.query('DROP TABLE billing.quota_usage');
    for (const sql of messagingTablesDownSql('billing')) await q.query(sql);
  }
}
