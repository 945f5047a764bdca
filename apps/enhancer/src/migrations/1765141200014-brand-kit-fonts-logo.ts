import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 14 brand kits: a profile's font families (headline, body) and its logo's object-storage key. */
export class BrandKitFontsLogo1765141200014 implements MigrationInterface {
  name = 'BrandKitFontsLogo1765141200014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enhancer.brand_profiles
        ADD COLUMN fonts text[] NOT NULL DEFAULT '{}',
        ADD COLUMN logo_key text NOT NULL DEFAULT ''`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enhancer.brand_profiles DROP COLUMN fonts, DROP COLUMN logo_key`);
  }
}
