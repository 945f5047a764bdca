import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Single-use account tokens (password reset, e-mail change) stored as SHA-256, and account-mail rate counters. */
export class AccountRecovery1764300000031 implements MigrationInterface {
  name = 'AccountRecovery1764300000031';

  async up(q: QueryRunner): Promise<void> {
    // Only the digest of the random token is kept: a leaked table cannot reset a password.
    await q.query(`
      CREATE TABLE gateway.account_tokens (
        token_hash bytea PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
        user_id uuid NOT NULL REFERENCES gateway.users (id) ON DELETE CASCADE,
        new_email text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CHECK ((purpose = 'email_change') = (new_email IS NOT NULL))
      )`);
    await q.query('CREATE INDEX account_tokens_user_idx ON gateway.account_tokens (user_id, purpose)');
    // One row per account mail asked for, per bucket (SHA-256 of the e-mail, or the client IP): shared by replicas.
    await q.query(`
      CREATE TABLE gateway.account_mail_hits (
        bucket text NOT NULL,
        hit_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX account_mail_hits_idx ON gateway.account_mail_hits (bucket, hit_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.account_mail_hits');
    await q.query('DROP TABLE gateway.account_tokens');
  }
}
