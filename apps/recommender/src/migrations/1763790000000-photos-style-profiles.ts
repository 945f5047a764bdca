import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Photos with their extracted attributes and embeddings (visual search), and users' style profiles. */
export class PhotosStyleProfiles1763790000000 implements MigrationInterface {
  name = 'PhotosStyleProfiles1763790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recommender.photos (
        id uuid PRIMARY KEY,
        owner_id uuid NOT NULL,
        -- catalog: searchable (a profile or product photo); query: an example for visual search only.
        purpose text NOT NULL CHECK (purpose IN ('catalog', 'query')),
        image_key text NOT NULL,
        format text NOT NULL,
        width integer NOT NULL,
        height integer NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'annotated', 'failed')),
        -- [{name, value, confidence, source}], values from the attribute schema.
        attributes jsonb NOT NULL DEFAULT '[]'::jsonb,
        embedding bytea,
        embedding_model text,
        face_embedding bytea,
        failure jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        annotated_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX photos_owner_idx ON recommender.photos (owner_id, created_at DESC)');
    await q.query('CREATE INDEX photos_catalog_idx ON recommender.photos (purpose, status, updated_at)');
    await q.query(`
      CREATE TABLE recommender.style_profiles (
        user_id uuid PRIMARY KEY,
        model jsonb NOT NULL,
        likes integer NOT NULL,
        last_interaction_id bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recommender.style_profiles');
    await q.query('DROP TABLE recommender.photos');
  }
}
