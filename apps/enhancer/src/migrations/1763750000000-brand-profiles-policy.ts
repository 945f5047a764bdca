import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 5: what every enhancement did, brand profiles, and the learned prompt policy's counts. */
export class BrandProfilesPolicy1763750000000 implements MigrationInterface {
  name = 'BrandProfilesPolicy1763750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enhancer.enhancements
        ADD COLUMN language text NOT NULL DEFAULT 'unknown',
        ADD COLUMN backend text NOT NULL DEFAULT '',
        ADD COLUMN fallback_reason text NOT NULL DEFAULT '',
        ADD COLUMN negative_prompt text NOT NULL DEFAULT '',
        ADD COLUMN brand_profile_id uuid,
        ADD COLUMN fragments jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN transliterated jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN latency_ms integer NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE enhancer.brand_profiles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        name text NOT NULL,
        style_short text NOT NULL DEFAULT '',
        style_words text[] NOT NULL DEFAULT '{}',
        palette text[] NOT NULL DEFAULT '{}',
        mood_words text[] NOT NULL DEFAULT '{}',
        banned_words text[] NOT NULL DEFAULT '{}',
        composition text NOT NULL DEFAULT '',
        is_default boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX brand_profiles_name_uq ON enhancer.brand_profiles (user_id, lower(name))');
    await q.query(
      'CREATE UNIQUE INDEX brand_profiles_default_uq ON enhancer.brand_profiles (user_id) WHERE is_default',
    );
    // scope: 'global', 'user:<uuid>' or 'brand:<uuid>'; one row per modifier option.
    await q.query(`
      CREATE TABLE enhancer.policy_arm_stats (
        scope text NOT NULL,
        grp text NOT NULL,
        arm text NOT NULL,
        likes integer NOT NULL DEFAULT 0 CHECK (likes >= 0),
        dislikes integer NOT NULL DEFAULT 0 CHECK (dislikes >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, grp, arm)
      )`);
    // The latest verdict per image, so a changed mind moves a count instead of adding one.
    await q.query(`
      CREATE TABLE enhancer.prompt_feedback (
        generation_id uuid NOT NULL,
        image_index integer NOT NULL,
        user_id uuid NOT NULL,
        verdict text NOT NULL CHECK (verdict IN ('like', 'dislike')),
        feedback_id uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (generation_id, image_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE enhancer.prompt_feedback');
    await q.query('DROP TABLE enhancer.policy_arm_stats');
    await q.query('DROP TABLE enhancer.brand_profiles');
    await q.query(`
      ALTER TABLE enhancer.enhancements
        DROP COLUMN language, DROP COLUMN backend, DROP COLUMN fallback_reason, DROP COLUMN negative_prompt,
        DROP COLUMN brand_profile_id, DROP COLUMN fragments, DROP COLUMN transliterated, DROP COLUMN latency_ms`);
  }
}
