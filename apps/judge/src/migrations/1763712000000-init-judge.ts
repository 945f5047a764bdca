import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDownSql, messagingTablesUpSql } from '@atelier/messaging';

export class InitJudge1763712000000 implements MigrationInterface {
  name = 'InitJudge1763712000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesUpSql('judge')) await q.query(sql);
    await q.query(`
      CREATE TABLE judge.predictions (
        generation_id uuid NOT NULL,
        index integer NOT NULL,
        user_id uuid NOT NULL,
        storage_key text NOT NULL,
        rank integer NOT NULL CHECK (rank >= 1),
        score double precision NOT NULL CHECK (score >= 0 AND score <= 1),
        metrics jsonb NOT NULL,
        scorer_name text NOT NULL,
        scorer_version text NOT NULL,
        gen_meta jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (generation_id, index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE judge.predictions');
    for (const sql of messagingTablesDownSql('judge')) await q.query(sql);
  }
}
