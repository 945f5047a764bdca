import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 (gallery): a user deletes a generation. The row stays for the saga (late events still apply and
 * billing stays consistent) but is hidden from its owner: every owner read filters `deleted_at IS NULL`, so
 * the page, its images, thumbnails and downloads answer 404. The partial index serves the history list and
 * its search.
 */
export class GenerationDeletion1764600017301 implements MigrationInterface {
  name = 'GenerationDeletion1764600017301';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.generations ADD COLUMN deleted_at timestamptz');
    await q.query(
      `CREATE INDEX generations_user_visible_created ON gateway.generations (user_id, created_at DESC, id DESC)
        WHERE deleted_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX gateway.generations_user_visible_created');
    await q.query('ALTER TABLE gateway.generations DROP COLUMN deleted_at');
  }
}
