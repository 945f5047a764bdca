import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Verdict of the optional NSFW check per image: NULL when the check was off. */
export class ImageSafety1763760000001 implements MigrationInterface {
  name = 'ImageSafety1763760000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE generator.images ADD COLUMN nsfw_flagged boolean, ADD COLUMN nsfw_scores jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE generator.images DROP COLUMN nsfw_flagged, DROP COLUMN nsfw_scores`);
  }
}
