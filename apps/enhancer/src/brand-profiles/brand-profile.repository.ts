import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface BrandProfileRow {
  id: string;
  user_id: string;
  name: string;
  style_short: string;
  style_words: string[];
  palette: string[];
  mood_words: string[];
  banned_words: string[];
  composition: string;
  is_default: boolean;
  fonts: string[];
  logo_key: string;
  created_at: Date;
  updated_at: Date;
}

export interface BrandProfileValues {
  name: string;
  styleShort: string;
  styleWords: string[];
  palette: string[];
  moodWords: string[];
  bannedWords: string[];
  composition: string;
  isDefault: boolean;
  fonts: string[];
  logoKey: string;
}

const COLUMNS = `id, user_id, name, style_short, style_words, palette, mood_words, banned_words, composition,
  is_default, fonts, logo_key, created_at, updated_at`;

/** Brand profiles; every query is scoped to the owning user. */
@Injectable()
export class BrandProfileRepository {
  /** Serialises profile writes of one user, so the plan limit and the single default hold under concurrency. */
  async lockUser(m: EntityManager, userId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('brand_profiles:' || $1))`, [userId]);
  }

  async list(m: EntityManager, userId: string): Promise<BrandProfileRow[]> {
    return (await m.query(`SELECT ${COLUMNS} FROM enhancer.brand_profiles WHERE user_id = $1 ORDER BY created_at, id`, [
      userId,
    ])) as BrandProfileRow[];
  }

  async find(m: EntityManager, userId: string, id: string): Promise<BrandProfileRow | undefined> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM enhancer.brand_profiles WHERE user_id = $1 AND id = $2`, [
      userId,
      id,
    ])) as BrandProfileRow[];
    return rows[0];
  }

  async findDefault(m: EntityManager, userId: string): Promise<BrandProfileRow | undefined> {
    const rows = (await m.query(`SELECT ${COLUMNS} FROM enhancer.brand_profiles WHERE user_id = $1 AND is_default`, [
      userId,
    ])) as BrandProfileRow[];
    return rows[0];
  }

  async count(m: EntityManager, userId: string): Promise<number> {
    const [row] = (await m.query('SELECT count(*)::int AS n FROM enhancer.brand_profiles WHERE user_id = $1', [
      userId,
    ])) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  async nameTaken(m: EntityManager, userId: string, name: string, exceptId?: string): Promise<boolean> {
    const rows = (await m.query(
      `SELECT 1 FROM enhancer.brand_profiles WHERE user_id = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3`,
      [userId, name, exceptId ?? null],
    )) as unknown[];
    return rows.length > 0;
  }

  async clearDefault(m: EntityManager, userId: string): Promise<void> {
    await m.query('UPDATE enhancer.brand_profiles SET is_default = false WHERE user_id = $1 AND is_default', [userId]);
  }

  async insert(m: EntityManager, userId: string, v: BrandProfileValues): Promise<BrandProfileRow> {
    const rows = (await m.query(
      `INSERT INTO enhancer.brand_profiles
         (user_id, name, style_short, style_words, palette, mood_words, banned_words, composition, is_default,
          fonts, logo_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        userId,
        v.name,
        v.styleShort,
        v.styleWords,
        v.palette,
        v.moodWords,
        v.bannedWords,
        v.composition,
        v.isDefault,
        v.fonts,
        v.logoKey,
      ],
    )) as BrandProfileRow[];
    return rows[0] as BrandProfileRow;
  }

  async update(
    m: EntityManager,
    userId: string,
    id: string,
    v: BrandProfileValues,
  ): Promise<BrandProfileRow | undefined> {
    const [rows] = (await m.query(
      `UPDATE enhancer.brand_profiles SET name = $3, style_short = $4, style_words = $5, palette = $6,
         mood_words = $7, banned_words = $8, composition = $9, is_default = $10, fonts = $11, logo_key = $12,
         updated_at = now()
       WHERE user_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [
        userId,
        id,
        v.name,
        v.styleShort,
        v.styleWords,
        v.palette,
        v.moodWords,
        v.bannedWords,
        v.composition,
        v.isDefault,
        v.fonts,
        v.logoKey,
      ],
    )) as [BrandProfileRow[], number];
    return rows[0];
  }

  async delete(m: EntityManager, userId: string, id: string): Promise<boolean> {
    const [, affected] = (await m.query('DELETE FROM enhancer.brand_profiles WHERE user_id = $1 AND id = $2', [
      userId,
      id,
    ])) as [unknown, number];
    return affected > 0;
  }
}
