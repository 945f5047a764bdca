import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDownSql, messagingTablesUpSql } from '@atelier/messaging';

export class InitGenerator1763712000000 implements MigrationInterface {
  name = 'InitGenerator1763712000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesUpSql('generator')) await q.query(sql);
    await q.query(`
      CREATE TABLE generator.generations (
        generation_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        backend text NOT NULL,
        prompt text NOT NULL,
        params jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE generator.images (
        generation_id uuid NOT NULL REFERENCES generator.generations (generation_id) ON DELETE CASCADE,
        index integer NOT NULL,
        storage_key text NOT NULL,
        width integer NOT NULL,
        height integer NOT NULL,
        sha256 text NOT NULL,
        seed numeric(20, 0) NOT NULL,
        PRIMARY KEY (generation_id, index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE generator.images');
    await q.query('DROP TABLE generator.generations');
    for (const sql of messagingTablesDownSql('generator')) await q.query(sql);
  }
}
