import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalogue management: a catalogue photo knows its item (so visual search can answer with the product), imports
 * run as jobs with a status, and visual searches can be saved by their owner.
 */
export class ShopCatalogue1764001700017 implements MigrationInterface {
  name = 'ShopCatalogue1764001700017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE recommender.photos ADD COLUMN item_id uuid REFERENCES recommender.items (id) ON DELETE SET NULL',
    );
    await q.query('CREATE INDEX photos_item_idx ON recommender.photos (item_id) WHERE item_id IS NOT NULL');
    await q.query(`
      CREATE TABLE recommender.import_jobs (
        id uuid PRIMARY KEY,
        shop_id uuid NOT NULL,
        requested_by uuid NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'json')),
        mode text NOT NULL CHECK (mode IN ('all', 'skip')),
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        total integer NOT NULL,
        processed integer NOT NULL DEFAULT 0,
        imported integer NOT NULL DEFAULT 0,
        created integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        -- [{row, field, problems}] of the rows left out (skip mode), at most 200.
        errors jsonb NOT NULL DEFAULT '[]'::jsonb,
        failure text,
        -- The validated rows waiting to be written; cleared when the job ends.
        payload jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX import_jobs_shop_idx ON recommender.import_jobs (shop_id, created_at DESC)');
    await q.query(`
      CREATE TABLE recommender.saved_searches (
        id uuid PRIMARY KEY,
        owner_id uuid NOT NULL,
        name text NOT NULL,
        -- {positive_photo_ids, negative_photo_ids, positive_item_ids, negative_item_ids, filters, k, strategy}
        query jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX saved_searches_owner_idx ON recommender.saved_searches (owner_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recommender.saved_searches');
    await q.query('DROP TABLE recommender.import_jobs');
    await q.query('DROP INDEX recommender.photos_item_idx');
    await q.query('ALTER TABLE recommender.photos DROP COLUMN item_id');
  }
}
