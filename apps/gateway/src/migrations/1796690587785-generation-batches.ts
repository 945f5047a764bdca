import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14 (product photos, batch): one request that makes one creative per catalogue item. The batch row groups
 * its child generations (each a normal saga, billed per image); its Idempotency-Key lives here, unique per user,
 * committed in the same transaction as the children, so a retried batch never makes a second set.
 */
export class GenerationBatches1796690587785 implements MigrationInterface {
  name = 'GenerationBatches1796690587785';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE gateway.generation_batches (
         id uuid PRIMARY KEY,
         user_id uuid NOT NULL,
         prompt text NOT NULL,
         platform text NOT NULL DEFAULT '',
         -- children in item order: [{"itemId": …, "generationId": …, "title": …}]
         children jsonb NOT NULL,
         idempotency_key text,
         request_hash text,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await q.query(
      `CREATE UNIQUE INDEX generation_batches_user_key ON gateway.generation_batches (user_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(
      'CREATE INDEX generation_batches_user_created ON gateway.generation_batches (user_id, created_at DESC)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.generation_batches');
  }
}
