import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDownSql, messagingTablesUpSql } from '@atelier/messaging';

export class InitGateway1763712000000 implements MigrationInterface {
  name = 'InitGateway1763712000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesUpSql('gateway')) await q.query(sql);
    await q.query(`
      CREATE TABLE gateway.generations (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN
          ('queued', 'reserved', 'enhancing', 'generating', 'judging', 'completed', 'failed', 'rejected')),
        prompt text NOT NULL,
        params jsonb NOT NULL,
        cleaned_prompt text,
        enhanced_prompt text,
        enhancement jsonb,
        backend text,
        scorer jsonb,
        images jsonb NOT NULL DEFAULT '[]'::jsonb,
        failure jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query('CREATE INDEX generations_user_created_idx ON gateway.generations (user_id, created_at DESC)');
    // One row per saga step seen, for the timeline and live progress.
    await q.query(`
      CREATE TABLE gateway.generation_steps (
        generation_id uuid NOT NULL REFERENCES gateway.generations (id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        status text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (generation_id, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.generation_steps');
    await q.query('DROP TABLE gateway.generations');
    for (const sql of messagingTablesDownSql('gateway')) await q.query(sql);
  }
}
