import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21: `Idempotency-Key` on every state-changing POST of the API that has no key handling of its own. One row
 * per (user, key): the request's fingerprint and, once answered, the answer to replay. Kept 24 hours.
 */
export class IdempotentResponses1764000000100 implements MigrationInterface {
  name = 'IdempotentResponses1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.idempotent_responses (
        user_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status integer,
        content_type text,
        body bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )
    `);
    await q.query('CREATE INDEX idempotent_responses_created ON gateway.idempotent_responses (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.idempotent_responses');
  }
}
