import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 7: the judge's batch-level results (validation summary, weights, diversity order) in the read model. */
export class GenerationJudging1763770000001 implements MigrationInterface {
  name = 'GenerationJudging1763770000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.generations ADD COLUMN judging jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.generations DROP COLUMN judging');
  }
}
