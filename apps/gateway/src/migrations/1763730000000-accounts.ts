import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, their sessions with rotating refresh tokens, login throttling per e-mail, and image feedback. */
export class Accounts1763730000000 implements MigrationInterface {
  name = 'Accounts1763730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        display_name text,
        locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz
      )`);
    // The stored e-mail is already normalised (trimmed, NFC, lower case, ASCII domain); unique as stored.
    await q.query('CREATE UNIQUE INDEX users_email_key ON gateway.users (email)');
    await q.query('CREATE INDEX users_created_idx ON gateway.users (created_at DESC, id DESC)');
    // One row per login; logout or refresh-token reuse revokes it.
    await q.query(`
      CREATE TABLE gateway.sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES gateway.users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        user_agent text
      )`);
    await q.query('CREATE INDEX sessions_user_idx ON gateway.sessions (user_id)');
    // Refresh tokens are stored as SHA-256 of the random token; a rotated token presented again is reuse.
    await q.query(`
      CREATE TABLE gateway.refresh_tokens (
        token_hash bytea PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES gateway.sessions (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz
      )`);
    await q.query('CREATE INDEX refresh_tokens_session_idx ON gateway.refresh_tokens (session_id)');
    // Keyed by the normalised e-mail whether or not the account exists, so lockout reveals nothing.
    await q.query(`
      CREATE TABLE gateway.login_failures (
        email text PRIMARY KEY,
        failures integer NOT NULL,
        locked_until timestamptz,
        last_failure_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE gateway.feedback (
        id uuid PRIMARY KEY,
        generation_id uuid NOT NULL REFERENCES gateway.generations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        image_index integer NOT NULL,
        image_rank integer NOT NULL,
        verdict text NOT NULL CHECK (verdict IN ('like', 'dislike')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, generation_id, image_index)
      )`);
    await q.query('CREATE INDEX generations_created_idx ON gateway.generations (created_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX gateway.generations_created_idx');
    for (const t of ['feedback', 'login_failures', 'refresh_tokens', 'sessions', 'users']) {
      await q.query(`DROP TABLE gateway.${t}`);
    }
  }
}
