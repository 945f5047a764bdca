import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog, interactions, item features and recommendation tasks.
 * pg_trgm is created in this schema by the provisioning superuser (`npm run db:setup`); the service role cannot.
 */
export class CatalogInteractions1763780000000 implements MigrationInterface {
  name = 'CatalogInteractions1763780000000';

  async up(q: QueryRunner): Promise<void> {
    const trgm = (await q.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`)) as unknown[];
    if (trgm.length === 0) {
      throw new Error('pg_trgm is not installed in this database: run `npm run db:setup` (provisioning creates it)');
    }
    await q.query(`
      CREATE TABLE recommender.items (
        id uuid PRIMARY KEY,
        external_id text NOT NULL UNIQUE,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        category_path text[] NOT NULL DEFAULT '{}',
        attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
        price_minor bigint CHECK (price_minor >= 0),
        currency text NOT NULL DEFAULT 'RUB',
        image_key text,
        -- Title, category and attribute values, written by the repository; the tsvector is derived from it.
        search_text text NOT NULL,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('russian', title), 'A') ||
          setweight(to_tsvector('english', search_text), 'B') || setweight(to_tsvector('russian', search_text), 'B')
        ) STORED,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX items_search_idx ON recommender.items USING gin (search)');
    await q.query(
      'CREATE INDEX items_search_text_trgm_idx ON recommender.items USING gin (lower(search_text) gin_trgm_ops)',
    );
    await q.query(`
      CREATE TABLE recommender.interactions (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        item_id uuid NOT NULL REFERENCES recommender.items (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('view', 'like', 'dislike', 'add_to_cart', 'purchase')),
        weight real NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX interactions_user_idx ON recommender.interactions (user_id, created_at DESC)');
    await q.query('CREATE INDEX interactions_item_idx ON recommender.interactions (item_id)');
    // Expensive per-item representations, computed once per upsert by the worker.
    await q.query(`
      CREATE TABLE recommender.item_features (
        item_id uuid PRIMARY KEY REFERENCES recommender.items (id) ON DELETE CASCADE,
        tokens text[] NOT NULL,
        colour bytea,
        image bytea,
        image_model text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE recommender.recommendation_tasks (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        k integer NOT NULL CHECK (k BETWEEN 1 AND 100),
        status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
        result jsonb,
        failure jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query(
      'CREATE INDEX recommendation_tasks_user_idx ON recommender.recommendation_tasks (user_id, created_at DESC)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recommender.recommendation_tasks');
    await q.query('DROP TABLE recommender.item_features');
    await q.query('DROP TABLE recommender.interactions');
    await q.query('DROP TABLE recommender.items');
  }
}
