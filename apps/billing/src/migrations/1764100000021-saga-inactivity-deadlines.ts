import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reservation deadlines measure inactivity: `step` is the saga step now running (its event renews `expires_at`),
 * and `completion_seen_at` marks a reservation whose `generation.completed` has arrived, so the expiry sweep leaves
 * it to the completion even while that is still being processed or retried.
 */
export class SagaInactivityDeadlines1764100000021 implements MigrationInterface {
  name = 'SagaInactivityDeadlines1764100000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE billing.quota_reservations
        ADD COLUMN step text NOT NULL DEFAULT 'enhance' CHECK (step IN ('enhance', 'generate', 'judge')),
        ADD COLUMN last_progress_at timestamptz,
        ADD COLUMN completion_seen_at timestamptz`);
    await q.query(`DROP INDEX billing.quota_reservations_expiry_idx`);
    await q.query(
      `CREATE INDEX quota_reservations_expiry_idx ON billing.quota_reservations (expires_at)
        WHERE status = 'reserved' AND completion_seen_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX billing.quota_reservations_expiry_idx`);
    await q.query(
      `CREATE INDEX quota_reservations_expiry_idx ON billing.quota_reservations (expires_at) WHERE status = 'reserved'`,
    );
    await q.query(`
      ALTER TABLE billing.quota_reservations
        DROP COLUMN completion_seen_at, DROP COLUMN last_progress_at, DROP COLUMN step`);
  }
}
