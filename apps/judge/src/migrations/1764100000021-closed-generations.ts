import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Generations that have failed (cancelled, timed out, failed elsewhere): work still queued for them is skipped. */
export class ClosedGenerations1764100000021 implements MigrationInterface {
  name = 'ClosedGenerations1764100000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE judge.closed_generations (
        generation_id uuid PRIMARY KEY,
        stage text NOT NULL,
        code text NOT NULL,
        closed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE judge.closed_generations');
  }
}
