import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 7: likes/dislikes the judge learns from, and the fitted per-user and global preference weights. */
export class JudgePreferences1763770000001 implements MigrationInterface {
  name = 'JudgePreferences1763770000001';

  async up(q: QueryRunner): Promise<void> {
    // One verdict per image and user: a changed mind replaces the earlier one.
    await q.query(`
      CREATE TABLE judge.feedback (
        user_id uuid NOT NULL,
        generation_id uuid NOT NULL,
        image_index integer NOT NULL,
        verdict text NOT NULL CHECK (verdict IN ('like', 'dislike')),
        components jsonb NOT NULL,
        feedback_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, generation_id, image_index)
      )`);
    await q.query('CREATE INDEX feedback_updated_at ON judge.feedback (updated_at DESC)');
    // scope: 'global' or a user id.
    await q.query(`
      CREATE TABLE judge.preference_weights (
        scope text PRIMARY KEY,
        features jsonb NOT NULL,
        theta jsonb NOT NULL,
        pairs integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE judge.preference_weights');
    await q.query('DROP TABLE judge.feedback');
  }
}
