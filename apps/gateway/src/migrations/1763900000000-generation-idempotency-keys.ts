import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21: `Idempotency-Key` on generation submissions. One row per (user, key), written in the same
 * transaction as the generation and its outbox event, so a retried or concurrent submit makes one generation.
 */
export class GenerationIdempotencyKeys1763900000000 implements MigrationInterface {
  name = 'GenerationIdempotencyKeys1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.generation_idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        generation_id uuid NOT NULL REFERENCES gateway.generations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT generation_idempotency_keys_user_key UNIQUE (user_id, key)
      )
    `);
    await q.query(
      'CREATE INDEX generation_idempotency_keys_created ON gateway.generation_idempotency_keys (created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.generation_idempotency_keys');
  }
}
