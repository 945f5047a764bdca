import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What produced each image and how: backend, model, parameters actually used, duration, content-addressed key. */
export class ImageProvenance1763760000000 implements MigrationInterface {
  name = 'ImageProvenance1763760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE generator.generations
        ADD COLUMN model text,
        ADD COLUMN adjustments jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN diagnostics jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN duration_ms integer`);
    await q.query(`
      ALTER TABLE generator.images
        ALTER COLUMN seed DROP NOT NULL,
        ADD COLUMN backend text,
        ADD COLUMN model text,
        ADD COLUMN params jsonb,
        ADD COLUMN duration_ms integer,
        ADD COLUMN bytes integer`);
    await q.query(
      `COMMENT ON COLUMN generator.images.seed IS 'seed the backend used; NULL when it does not honour seeds'`,
    );
    await q.query(`COMMENT ON COLUMN generator.images.sha256 IS 'checksum of the stored PNG; also its storage key'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM generator.images WHERE seed IS NULL`);
    await q.query(`
      ALTER TABLE generator.images
        ALTER COLUMN seed SET NOT NULL,
        DROP COLUMN backend, DROP COLUMN model, DROP COLUMN params, DROP COLUMN duration_ms, DROP COLUMN bytes`);
    await q.query(`
      ALTER TABLE generator.generations
        DROP COLUMN model, DROP COLUMN adjustments, DROP COLUMN diagnostics, DROP COLUMN duration_ms`);
  }
}
