import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDownSql, messagingTablesUpSql } from '@atelier/messaging';

export class InitEnhancer1763712000000 implements MigrationInterface {
  name = 'InitEnhancer1763712000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesUpSql('enhancer')) await q.query(sql);
    await q.query(`
      CREATE TABLE enhancer.enhancements (
        generation_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        original_prompt text NOT NULL,
        cleaned_prompt text NOT NULL,
        enhanced_prompt text NOT NULL,
        platform text NOT NULL,
        goal text NOT NULL,
        operations jsonb NOT NULL,
        enhancer text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX enhancements_user_idx ON enhancer.enhancements (user_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE enhancer.enhancements');
    for (const sql of messagingTablesDownSql('enhancer')) await q.query(sql);
  }
}
