import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 8: shops manage their catalogue through the gateway, so accounts may hold the `shop` role. */
export class ShopRole1763800000000 implements MigrationInterface {
  name = 'ShopRole1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE gateway.users DROP CONSTRAINT users_role_check');
    await q.query(
      `ALTER TABLE gateway.users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'shop', 'admin'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE gateway.users SET role = 'user' WHERE role = 'shop'`);
    await q.query('ALTER TABLE gateway.users DROP CONSTRAINT users_role_check');
    await q.query(`ALTER TABLE gateway.users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'admin'))`);
  }
}
