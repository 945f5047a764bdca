import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 7: best flag, validation and diversity order per prediction; one validation row per batch. */
export class JudgeValidationDiversity1763770000000 implements MigrationInterface {
  name = 'JudgeValidationDiversity1763770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE judge.predictions
        ADD COLUMN best boolean NOT NULL DEFAULT false,
        ADD COLUMN validation jsonb,
        ADD COLUMN diversity_order integer`);
    await q.query(`
      CREATE TABLE judge.batch_validations (
        generation_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        accepted integer NOT NULL,
        rejected integer NOT NULL,
        summary text NOT NULL,
        method text NOT NULL,
        diversity jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE judge.batch_validations');
    await q.query(
      'ALTER TABLE judge.predictions DROP COLUMN best, DROP COLUMN validation, DROP COLUMN diversity_order',
    );
  }
}
