import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { BrandKit, BrandProfileFields, MessageInitShape } from '@atelier/contracts';
import { BrandKitSchema, BrandProfileSchema } from '@atelier/contracts';
import { brandFont } from '@atelier/creative';
import { FatalError, RpcClient, RpcError } from '@atelier/messaging';
import type { BrandStyle } from '../templates/brand-style';
import { BrandProfileRepository, type BrandProfileRow, type BrandProfileValues } from './brand-profile.repository';

const HEX = /^#[0-9a-f]{6}$/iu;
const LIMITS = { name: 80, text: 300, words: 20, word: 40, palette: 6, fonts: 2 } as const;
/** The gateway stores logos under the owner's id; a profile may only point at its own user's logo. */
const logoKeyPattern = (userId: string): RegExp =>
  new RegExp(`^brand-logos/${userId}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.png$`, 'u');

export type BrandProfileMessage = MessageInitShape<typeof BrandProfileSchema>;

export function toMessage(row: BrandProfileRow): BrandProfileMessage {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    styleShort: row.style_short,
    styleWords: row.style_words,
    palette: row.palette,
    moodWords: row.mood_words,
    bannedWords: row.banned_words,
    composition: row.composition,
    isDefault: row.is_default,
    fonts: row.fonts,
    logoKey: row.logo_key,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What travels with a generation so the generator's text layer wears the brand (prompt.enhanced's brand_kit). */
export function toBrandKit(row: BrandProfileRow): MessageInitShape<typeof BrandKitSchema> {
  return {
    profileId: row.id,
    name: row.name,
    palette: row.palette,
    fonts: row.fonts,
    logoKey: row.logo_key,
    bannedWords: row.banned_words,
    toneWords: row.mood_words,
  };
}
export type { BrandKit };

export function toBrandStyle(row: BrandProfileRow): BrandStyle {
  return {
    id: row.id,
    name: row.name,
    styleShort: row.style_short,
    styleWords: row.style_words,
    palette: row.palette,
    moodWords: row.mood_words,
    bannedWords: row.banned_words,
    composition: row.composition,
  };
}

const words = (list: readonly string[], field: string): string[] => {
  const cleaned = [...new Set(list.map((w) => w.trim()).filter((w) => w.length > 0))];
  if (cleaned.length > LIMITS.words || cleaned.some((w) => w.length > LIMITS.word)) {
    throw new FatalError(
      `${field}: at most ${LIMITS.words} words of ${LIMITS.word} characters`,
      'invalid_brand_profile',
    );
  }
  return cleaned;
};

/** Validates again behind the gateway's DTOs: the enhancer owns the data and trusts no caller. */
export function validateFields(f: BrandProfileFields | undefined, userId: string): BrandProfileValues {
  if (!f) throw new FatalError('fields are required', 'invalid_brand_profile');
  const name = f.name.trim();
  if (!name || name.length > LIMITS.name) {
    throw new FatalError(`name: 1 to ${LIMITS.name} characters`, 'invalid_brand_profile');
  }
  if (f.styleShort.length > LIMITS.text || f.composition.length > LIMITS.text) {
    throw new FatalError(`style_short and composition: at most ${LIMITS.text} characters`, 'invalid_brand_profile');
  }
  const palette = f.palette.map((c) => c.trim().toUpperCase());
  if (palette.length > LIMITS.palette || palette.some((c) => !HEX.test(c))) {
    throw new FatalError(`palette: at most ${LIMITS.palette} colours like #1E5A32`, 'invalid_brand_profile');
  }
  const fonts = f.fonts.map((name) => brandFont(name));
  if (fonts.length > LIMITS.fonts) {
    throw new FatalError(`fonts: at most ${LIMITS.fonts} (headline, body)`, 'invalid_brand_profile');
  }
  const unknown = f.fonts.find((_, i) => fonts[i] === undefined);
  if (unknown !== undefined) throw new FatalError(`font "${unknown.slice(0, 60)}" is not available`, 'unknown_font');
  if (f.logoKey && !logoKeyPattern(userId.toLowerCase()).test(f.logoKey)) {
    throw new FatalError('logo_key is not a logo of this user', 'invalid_brand_profile');
  }
  return {
    name,
    styleShort: f.styleShort.trim(),
    styleWords: words(f.styleWords, 'style_words'),
    palette,
    moodWords: words(f.moodWords, 'mood_words'),
    bannedWords: words(f.bannedWords, 'banned_words'),
    composition: f.composition.trim(),
    isDefault: f.isDefault,
    fonts: fonts as string[],
    logoKey: f.logoKey,
  };
}

/**
 * Brand profile CRUD for the gateway's /v1/brand-profiles. The number of profiles is limited by the plan,
 * asked from billing (`max_brand_profiles`; 0 = not set → ENHANCER_DEFAULT_BRAND_PROFILES). The first
 * profile becomes the default one, applied to every generation of the user.
 */
@Injectable()
export class BrandProfiles {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: BrandProfileRepository,
    private readonly rpc: RpcClient,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'enhancer'>,
  ) {}

  async limitFor(userId: string): Promise<number> {
    try {
      const account = await this.rpc.call('billing.get_account', { userId });
      // The plan's limit is authoritative when billing sends it (0 is a real limit there).
      if (account.limits) return account.limits.brandProfileLimit;
      return account.maxBrandProfiles || this.config.env.ENHANCER_DEFAULT_BRAND_PROFILES;
    } catch (err) {
      if (err instanceof RpcError)
        throw new FatalError('billing cannot tell the plan limit now', 'billing_unavailable');
      throw err;
    }
  }

  async list(userId: string): Promise<{ profiles: BrandProfileRow[]; limit: number }> {
    const [profiles, limit] = await Promise.all([
      this.repo.list(this.dataSource.manager, userId),
      this.limitFor(userId),
    ]);
    return { profiles, limit };
  }

  async create(userId: string, fields: BrandProfileFields | undefined): Promise<BrandProfileRow> {
    const values = validateFields(fields, userId);
    const limit = await this.limitFor(userId);
    return this.dataSource.transaction(async (m) => {
      await this.repo.lockUser(m, userId);
      const count = await this.repo.count(m, userId);
      if (count >= limit) {
        throw new FatalError(`your plan allows ${limit} brand profile(s)`, 'brand_profile_limit');
      }
      await this.ensureNameFree(m, userId, values.name);
      const isDefault = values.isDefault || count === 0;
      if (isDefault) await this.repo.clearDefault(m, userId);
      return this.repo.insert(m, userId, { ...values, isDefault });
    });
  }

  /** Updates a profile; `replacedLogoKey` is the logo it had when the update changed the logo ('' otherwise). */
  async update(
    userId: string,
    id: string,
    fields: BrandProfileFields | undefined,
  ): Promise<{ row: BrandProfileRow; replacedLogoKey: string }> {
    const values = validateFields(fields, userId);
    return this.dataSource.transaction(async (m) => {
      await this.repo.lockUser(m, userId);
      const current = await this.repo.find(m, userId, id);
      if (!current) throw new FatalError('brand profile not found', 'not_found');
      await this.ensureNameFree(m, userId, values.name, id);
      // A default stays default unless another one is chosen; the user always has one while profiles exist.
      const isDefault = values.isDefault || current.is_default;
      if (values.isDefault && !current.is_default) await this.repo.clearDefault(m, userId);
      const logoKey = fields?.keepLogo ? current.logo_key : values.logoKey;
      const row = (await this.repo.update(m, userId, id, { ...values, isDefault, logoKey })) as BrandProfileRow;
      return { row, replacedLogoKey: current.logo_key !== logoKey ? current.logo_key : '' };
    });
  }

  /** Deletes a profile; answers whether it existed and the logo key it had. */
  async delete(userId: string, id: string): Promise<{ deleted: boolean; logoKey: string }> {
    return this.dataSource.transaction(async (m) => {
      await this.repo.lockUser(m, userId);
      const current = await this.repo.find(m, userId, id);
      if (!current) return { deleted: false, logoKey: '' };
      await this.repo.delete(m, userId, id);
      if (current.is_default) {
        const [next] = await this.repo.list(m, userId);
        if (next) await this.repo.update(m, userId, next.id, { ...rowValues(next), isDefault: true });
      }
      return { deleted: true, logoKey: current.logo_key };
    });
  }

  /** The profile a prompt of this user should use: the one asked for, else the default, else none. */
  async forPrompt(m: EntityManager, userId: string, id?: string): Promise<BrandProfileRow | undefined> {
    if (id) return this.repo.find(m, userId, id);
    return this.repo.findDefault(m, userId);
  }

  private async ensureNameFree(m: EntityManager, userId: string, name: string, exceptId?: string): Promise<void> {
    if (await this.repo.nameTaken(m, userId, name, exceptId)) {
      throw new FatalError(`a brand profile named "${name}" exists`, 'brand_profile_exists');
    }
  }
}

function rowValues(row: BrandProfileRow): BrandProfileValues {
  return {
    name: row.name,
    styleShort: row.style_short,
    styleWords: row.style_words,
    palette: row.palette,
    moodWords: row.mood_words,
    bannedWords: row.banned_words,
    composition: row.composition,
    isDefault: row.is_default,
    fonts: row.fonts,
    logoKey: row.logo_key,
  };
}
