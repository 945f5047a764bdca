import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * MobileNetV2 features of an item photo scaled into the contrastive towers' training box (60×80): the image tower
 * was trained on such thumbnails, and a sharp full-size photo lands far from them in feature space. NULL when the
 * photo already fits the box (its `image` features are the same thing) or has no CNN features.
 */
export class ItemTowerFeatures1763810000000 implements MigrationInterface {
  name = 'ItemTowerFeatures1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE recommender.item_features ADD COLUMN tower_image bytea');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE recommender.item_features DROP COLUMN tower_image');
  }
}
