import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds of top-ups: a ledger transaction kind of their own (wallet → the provider's clearing account) and the
 * refunded total on each top-up, which the database keeps within what was paid.
 */
export class Refunds1764500000017 implements MigrationInterface {
  name = 'Refunds1764500000017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE billing.ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check`);
    await q.query(`
      ALTER TABLE billing.ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
        CHECK (kind IN ('top_up', 'subscription_charge', 'admin_adjustment', 'refund'))`);
    await q.query(`
      ALTER TABLE billing.top_ups ADD COLUMN refunded_kopecks bigint NOT NULL DEFAULT 0
        CHECK (refunded_kopecks >= 0 AND refunded_kopecks <= amount_kopecks)`);
    await q.query(`CREATE INDEX top_ups_created_idx ON billing.top_ups (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX billing.top_ups_created_idx');
    await q.query('ALTER TABLE billing.top_ups DROP COLUMN refunded_kopecks');
    await q.query(`ALTER TABLE billing.ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check`);
    await q.query(`
      ALTER TABLE billing.ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
        CHECK (kind IN ('top_up', 'subscription_charge', 'admin_adjustment'))`);
  }
}
