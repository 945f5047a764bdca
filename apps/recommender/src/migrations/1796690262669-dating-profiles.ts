import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dating profiles (issue 18, seed 004): a person's public profile with their own photos (uploaded through
 * /v1/photos, re-encoded), what they look for, opt-in and hide switches, and blocks between users. Profile search
 * filters these rows inside the candidate query (see apps/recommender/src/profiles).
 */
export class DatingProfiles1796690262669 implements MigrationInterface {
  name = 'DatingProfiles1796690262669';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recommender.dating_profiles (
        user_id uuid PRIMARY KEY,
        display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 60),
        gender text NOT NULL CHECK (gender IN ('female', 'male', 'nonbinary')),
        age smallint NOT NULL CHECK (age BETWEEN 18 AND 99),
        city text NOT NULL CHECK (char_length(city) BETWEEN 1 AND 80),
        -- lower-cased, trimmed city: what the city filter compares.
        city_key text NOT NULL,
        seeking_genders text[] NOT NULL CHECK (cardinality(seeking_genders) BETWEEN 1 AND 3),
        seeking_age_min smallint NOT NULL CHECK (seeking_age_min BETWEEN 18 AND 99),
        seeking_age_max smallint NOT NULL CHECK (seeking_age_max BETWEEN 18 AND 99),
        -- Searchable only when opted in and not hidden; hiding keeps the consent but disappears at once.
        opted_in boolean NOT NULL DEFAULT false,
        hidden boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (seeking_age_min <= seeking_age_max)
      )`);
    await q.query(`
      CREATE INDEX dating_profiles_searchable_idx ON recommender.dating_profiles (gender, city_key, age)
       WHERE opted_in AND NOT hidden`);
    await q.query(`
      CREATE TABLE recommender.dating_profile_photos (
        user_id uuid NOT NULL REFERENCES recommender.dating_profiles (user_id) ON DELETE CASCADE,
        photo_id uuid NOT NULL UNIQUE REFERENCES recommender.photos (id) ON DELETE CASCADE,
        position smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
        PRIMARY KEY (user_id, photo_id)
      )`);
    await q.query(`
      CREATE TABLE recommender.dating_blocks (
        blocker_id uuid NOT NULL,
        blocked_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blocker_id, blocked_id),
        CHECK (blocker_id <> blocked_id)
      )`);
    await q.query('CREATE INDEX dating_blocks_blocked_idx ON recommender.dating_blocks (blocked_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recommender.dating_blocks');
    await q.query('DROP TABLE recommender.dating_profile_photos');
    await q.query('DROP TABLE recommender.dating_profiles');
  }
}
