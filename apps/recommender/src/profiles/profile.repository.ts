import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AttributeValue } from '../attributes/attribute-extractor';

export const GENDERS = ['female', 'male', 'nonbinary'] as const;
export type Gender = (typeof GENDERS)[number];

export interface ProfileRow {
  user_id: string;
  display_name: string;
  gender: Gender;
  age: number;
  city: string;
  city_key: string;
  seeking_genders: Gender[];
  seeking_age_min: number;
  seeking_age_max: number;
  opted_in: boolean;
  hidden: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface ProfileWrite {
  userId: string;
  displayName: string;
  gender: Gender;
  age: number;
  city: string;
  seekingGenders: Gender[];
  seekingAgeMin: number;
  seekingAgeMax: number;
  optedIn: boolean;
  hidden: boolean;
  photoIds: string[];
}

/** The hard filters of a profile search (all inside the candidate query). */
export interface ProfileFilters {
  genders?: Gender[];
  /** city keys (cityKey()). */
  cities?: string[];
  ageMin: number;
  ageMax: number;
}

export interface CandidateRow {
  user_id: string;
  photo_id: string;
  embedding: Buffer;
  attributes: AttributeValue[];
}

export const cityKey = (city: string): string => city.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

const COLUMNS = `user_id, display_name, gender, age, city, city_key, seeking_genders, seeking_age_min, seeking_age_max,
  opted_in, hidden, created_at, updated_at`;

/**
 * The searchable-profile predicate, for the profile alias `p` and the searcher $1: opted in, not hidden, not the
 * searcher, and no block either way.
 */
const VISIBLE_TO = `p.opted_in AND NOT p.hidden AND p.user_id <> $1
  AND NOT EXISTS (SELECT 1 FROM recommender.dating_blocks b
                   WHERE (b.blocker_id = $1 AND b.blocked_id = p.user_id)
                      OR (b.blocker_id = p.user_id AND b.blocked_id = $1))`;

/** At most this many photos are scanned per search (10 photos × 5,000 profiles). */
export const MAX_SCANNED_PHOTOS = 50_000;

@Injectable()
export class ProfileRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(userId: string, m: EntityManager | DataSource = this.dataSource): Promise<ProfileRow | undefined> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM recommender.dating_profiles WHERE user_id = $1`, [
      userId,
    ])) as ProfileRow[];
    return rows[0];
  }

  async photoIds(userId: string, m: EntityManager | DataSource = this.dataSource): Promise<string[]> {
    const rows = (await m.query(
      'SELECT photo_id FROM recommender.dating_profile_photos WHERE user_id = $1 ORDER BY position',
      [userId],
    )) as Array<{ photo_id: string }>;
    return rows.map((r) => r.photo_id);
  }

  /** Of the ids, the caller's own uploaded (non-catalogue) photos. */
  async ownPhotos(ownerId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT id FROM recommender.photos WHERE id = ANY($1::uuid[]) AND owner_id = $2 AND purpose = 'query'`,
      [ids, ownerId],
    )) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  /** Of the ids, the caller's own photos and catalogue photos (usable as search examples). */
  async ownOrCatalogPhotos(ownerId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT id FROM recommender.photos WHERE id = ANY($1::uuid[]) AND (owner_id = $2 OR purpose = 'catalog')`,
      [ids, ownerId],
    )) as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  /** Creates or replaces the profile and its photo list in one transaction. */
  async save(p: ProfileWrite): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO recommender.dating_profiles (user_id, display_name, gender, age, city, city_key, seeking_genders,
            seeking_age_min, seeking_age_max, opted_in, hidden)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (user_id) DO UPDATE SET display_name = $2, gender = $3, age = $4, city = $5, city_key = $6,
            seeking_genders = $7, seeking_age_min = $8, seeking_age_max = $9, opted_in = $10, hidden = $11,
            updated_at = now()`,
        [
          p.userId,
          p.displayName,
          p.gender,
          p.age,
          p.city,
          cityKey(p.city),
          p.seekingGenders,
          p.seekingAgeMin,
          p.seekingAgeMax,
          p.optedIn,
          p.hidden,
        ],
      );
      await m.query('DELETE FROM recommender.dating_profile_photos WHERE user_id = $1', [p.userId]);
      for (const [position, photoId] of p.photoIds.entries()) {
        await m.query(
          'INSERT INTO recommender.dating_profile_photos (user_id, photo_id, position) VALUES ($1, $2, $3)',
          [p.userId, photoId, position],
        );
      }
    });
  }

  /** Sets opt-in and/or hidden; false when the user has no profile. */
  async setVisibility(userId: string, v: { optedIn?: boolean; hidden?: boolean }): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE recommender.dating_profiles
          SET opted_in = COALESCE($2, opted_in), hidden = COALESCE($3, hidden), updated_at = now()
        WHERE user_id = $1 RETURNING user_id`,
      [userId, v.optedIn ?? null, v.hidden ?? null],
    )) as Array<{ user_id: string }>;
    return rows.length > 0;
  }

  async remove(userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      'DELETE FROM recommender.dating_profiles WHERE user_id = $1 RETURNING user_id',
      [userId],
    )) as Array<{ user_id: string }>;
    return rows.length > 0;
  }

  async blocks(blockerId: string): Promise<Array<{ user_id: string; created_at: Date }>> {
    return (await this.dataSource.query(
      `SELECT blocked_id AS user_id, created_at FROM recommender.dating_blocks WHERE blocker_id = $1
        ORDER BY created_at DESC`,
      [blockerId],
    )) as Array<{ user_id: string; created_at: Date }>;
  }

  async block(blockerId: string, blockedId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO recommender.dating_blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [blockerId, blockedId],
    );
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      'DELETE FROM recommender.dating_blocks WHERE blocker_id = $1 AND blocked_id = $2 RETURNING blocker_id',
      [blockerId, blockedId],
    )) as Array<{ blocker_id: string }>;
    return rows.length > 0;
  }

  /**
   * Exact scan over the filtered set: the annotated photos of every profile the searcher may see that passes the
   * hard filters. Filters and privacy are in the WHERE clause, so a 1% filter still yields every passing profile.
   */
  async candidates(searcherId: string, f: ProfileFilters): Promise<CandidateRow[]> {
    return (await this.dataSource.query(
      `SELECT p.user_id, ph.id AS photo_id, ph.embedding, ph.attributes
         FROM recommender.dating_profiles p
         JOIN recommender.dating_profile_photos pp ON pp.user_id = p.user_id
         JOIN recommender.photos ph ON ph.id = pp.photo_id
        WHERE ${VISIBLE_TO}
          AND ph.status = 'annotated' AND ph.embedding IS NOT NULL
          AND ($2::text[] IS NULL OR p.gender = ANY($2::text[]))
          AND ($3::text[] IS NULL OR p.city_key = ANY($3::text[]))
          AND p.age BETWEEN $4 AND $5
        ORDER BY p.user_id, pp.position
        LIMIT ${MAX_SCANNED_PHOTOS}`,
      [searcherId, f.genders ?? null, f.cities ?? null, f.ageMin, f.ageMax],
    )) as CandidateRow[];
  }

  /** The public card of each profile the searcher may see (others are left out). */
  async visibleCards(searcherId: string, userIds: readonly string[]): Promise<Map<string, ProfileCard>> {
    if (userIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT p.user_id, p.display_name, p.gender, p.age, p.city,
              ARRAY(SELECT pp.photo_id FROM recommender.dating_profile_photos pp
                     WHERE pp.user_id = p.user_id ORDER BY pp.position) AS photo_ids
         FROM recommender.dating_profiles p
        WHERE p.user_id = ANY($2::uuid[]) AND ${VISIBLE_TO}`,
      [searcherId, userIds],
    )) as ProfileCard[];
    return new Map(rows.map((r) => [r.user_id, r]));
  }

  /** The image key of a photo of a profile the searcher may see (or their own profile's). */
  async visiblePhoto(searcherId: string, userId: string, photoId: string): Promise<PhotoFile | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ph.image_key, ph.format
         FROM recommender.dating_profiles p
         JOIN recommender.dating_profile_photos pp ON pp.user_id = p.user_id
         JOIN recommender.photos ph ON ph.id = pp.photo_id
        WHERE p.user_id = $2 AND pp.photo_id = $3 AND (p.user_id = $1 OR (${VISIBLE_TO}))`,
      [searcherId, userId, photoId],
    )) as PhotoFile[];
    return rows[0];
  }

  /** Photos of profiles the searcher may see, by id (liked or disliked profile photos as search examples). */
  async visibleProfilePhotoIds(searcherId: string, photoIds: readonly string[]): Promise<Set<string>> {
    if (photoIds.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT pp.photo_id FROM recommender.dating_profile_photos pp
         JOIN recommender.dating_profiles p ON p.user_id = pp.user_id
        WHERE pp.photo_id = ANY($2::uuid[]) AND ${VISIBLE_TO}`,
      [searcherId, photoIds],
    )) as Array<{ photo_id: string }>;
    return new Set(rows.map((r) => r.photo_id));
  }

  /** Example photos by id (any owner: the caller checked they may use them). */
  async examplePhotos(ids: readonly string[]): Promise<ExampleRow[]> {
    if (ids.length === 0) return [];
    return (await this.dataSource.query(
      `SELECT id, status, embedding, attributes FROM recommender.photos WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as ExampleRow[];
  }
}

export interface ProfileCard {
  user_id: string;
  display_name: string;
  gender: Gender;
  age: number;
  city: string;
  photo_ids: string[];
}

export interface PhotoFile {
  image_key: string;
  format: string;
}

export interface ExampleRow {
  id: string;
  status: string;
  embedding: Buffer | null;
  attributes: AttributeValue[];
}
