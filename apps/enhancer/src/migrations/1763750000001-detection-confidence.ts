import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 5: how sure platform and goal detection was, and the pixel size the platform wants. */
export class DetectionConfidence1763750000001 implements MigrationInterface {
  name = 'DetectionConfidence1763750000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enhancer.enhancements
        ADD COLUMN platform_confidence real NOT NULL DEFAULT 0,
        ADD COLUMN goal_confidence real NOT NULL DEFAULT 0,
        ADD COLUMN target_width integer NOT NULL DEFAULT 0,
        ADD COLUMN target_height integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enhancer.enhancements
        DROP COLUMN platform_confidence,
        DROP COLUMN goal_confidence,
        DROP COLUMN target_width,
        DROP COLUMN target_height`);
  }
}
