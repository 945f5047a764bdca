import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The owner of catalogue items imported before items had one: the platform, managed by admins. */
export const PLATFORM_SHOP_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Catalogue items belong to a shop (the shop account's user id): `external_id` is unique per shop, so one shop's
 * import can never overwrite another's item. Existing rows go to the platform owner (admins manage them).
 */
export class ItemOwners1763830000000 implements MigrationInterface {
  name = 'ItemOwners1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE recommender.items ADD COLUMN shop_id uuid NOT NULL DEFAULT '${PLATFORM_SHOP_ID}'`);
    // From now on every writer names the owner.
    await q.query('ALTER TABLE recommender.items ALTER COLUMN shop_id DROP DEFAULT');
    await q.query('ALTER TABLE recommender.items DROP CONSTRAINT items_external_id_key');
    await q.query(
      'ALTER TABLE recommender.items ADD CONSTRAINT items_shop_external_id_key UNIQUE (shop_id, external_id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE recommender.items DROP CONSTRAINT items_shop_external_id_key');
    await q.query('ALTER TABLE recommender.items ADD CONSTRAINT items_external_id_key UNIQUE (external_id)');
    await q.query('ALTER TABLE recommender.items DROP COLUMN shop_id');
  }
}
