import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { AttributeSchema } from '../attributes/attribute-schema';
import { fromBytes } from '../photos/photo.repository';
import { DEFAULT_AGGREGATION, ProfileMatcher, type Aggregation, type ProfileMatch } from './profile-matcher';
import {
  cityKey,
  GENDERS,
  ProfileRepository,
  type Gender,
  type ProfileCard,
  type ProfileFilters,
  type ProfileRow,
} from './profile.repository';

export const MIN_AGE = 18;
export const MAX_AGE = 99;
export const MAX_PROFILE_PHOTOS = 10;
/** Liked + disliked example photos per profile search (as the photo search). */
export const MAX_PROFILE_EXAMPLES = 10;
/** The filter attributes a profile search knows. */
export const PROFILE_FILTERS = ['gender', 'city', 'age_min', 'age_max'] as const;

export interface ProfileInput {
  display_name?: unknown;
  gender?: unknown;
  age?: unknown;
  city?: unknown;
  seeking_genders?: unknown;
  seeking_age_min?: unknown;
  seeking_age_max?: unknown;
  photo_ids?: unknown;
  opted_in?: unknown;
  hidden?: unknown;
}

export interface ProfileSearchRequest {
  searcherId: string;
  positiveIds: string[];
  negativeIds: string[];
  filters?: Record<string, unknown>;
  k: number;
  aggregation?: Aggregation;
}

export interface MatchedUser {
  user_id: string;
  match_score: number;
  explanation: ProfileMatch['explanation'];
  best_photo_id: string;
  profile: Omit<ProfileCard, 'user_id'>;
}

const bad = (code: string, message: string, details?: unknown) =>
  new ApiError(HttpStatus.BAD_REQUEST, code, message, details);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkAge(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad('validation_failed', `${field} must be an integer`);
  if (v < MIN_AGE || v > MAX_AGE) {
    throw bad('age_out_of_range', `${field} must be ${MIN_AGE}-${MAX_AGE}`, { field, min: MIN_AGE, max: MAX_AGE });
  }
  return v;
}

function checkGender(field: string, v: unknown): Gender {
  if (typeof v !== 'string' || !(GENDERS as readonly string[]).includes(v)) {
    throw bad('unknown_gender', `${field}: unknown gender`, { field, value: v, allowed: GENDERS });
  }
  return v as Gender;
}

function checkGenders(field: string, v: unknown): Gender[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > GENDERS.length) {
    throw bad('validation_failed', `${field} must list 1-${GENDERS.length} genders`, { allowed: GENDERS });
  }
  return [...new Set(v.map((g) => checkGender(field, g)))];
}

function checkText(field: string, v: unknown, max: number): string {
  const s = typeof v === 'string' ? v.normalize('NFC').trim().replace(/\s+/g, ' ') : '';
  if (s.length < 1 || s.length > max) throw bad('validation_failed', `${field} must be 1-${max} characters`);
  return s;
}

function checkBool(field: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw bad('validation_failed', `${field} must be true or false`);
  return v;
}

/** Dating profiles: the owner's profile, photos, visibility and blocks, and search over the others' profiles. */
@Injectable()
export class ProfilesService {
  private readonly matcher = new ProfileMatcher(new AttributeSchema());

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly profiles: ProfileRepository,
  ) {}

  async get(userId: string): Promise<{ row: ProfileRow; photoIds: string[] } | undefined> {
    const row = await this.profiles.find(userId);
    return row ? { row, photoIds: await this.profiles.photoIds(userId) } : undefined;
  }

  /** Creates or replaces the caller's profile; every field is checked before anything is stored. */
  async save(userId: string, input: ProfileInput): Promise<void> {
    const displayName = checkText('display_name', input.display_name, 60);
    const gender = checkGender('gender', input.gender);
    const age = checkAge('age', input.age);
    const city = checkText('city', input.city, 80);
    const seekingGenders = checkGenders('seeking_genders', input.seeking_genders);
    const seekingAgeMin = checkAge('seeking_age_min', input.seeking_age_min ?? MIN_AGE);
    const seekingAgeMax = checkAge('seeking_age_max', input.seeking_age_max ?? MAX_AGE);
    if (seekingAgeMin > seekingAgeMax) {
      throw bad('age_out_of_range', 'seeking_age_min must not exceed seeking_age_max', {
        field: 'seeking_age_min',
      });
    }
    const raw = input.photo_ids ?? [];
    if (!Array.isArray(raw) || raw.some((id) => typeof id !== 'string' || !UUID.test(id))) {
      throw bad('validation_failed', 'photo_ids must be a list of photo ids');
    }
    const photoIds = [...new Set((raw as string[]).map((id) => id.toLowerCase()))];
    if (photoIds.length > MAX_PROFILE_PHOTOS) {
      throw bad('too_many_photos', `at most ${MAX_PROFILE_PHOTOS} photos`, {
        max: MAX_PROFILE_PHOTOS,
        given: photoIds.length,
      });
    }
    // Only the caller's own uploads (never catalogue photos, never someone else's; unknown ids look the same).
    const own = await this.profiles.ownPhotos(userId, photoIds);
    const foreign = photoIds.filter((id) => !own.has(id));
    if (foreign.length) throw bad('photo_not_owned', 'photos must be your own uploads', { photo_ids: foreign });
    const current = await this.profiles.find(userId);
    await this.profiles.save({
      userId,
      displayName,
      gender,
      age,
      city,
      seekingGenders,
      seekingAgeMin,
      seekingAgeMax,
      optedIn: checkBool('opted_in', input.opted_in, current?.opted_in ?? false),
      hidden: checkBool('hidden', input.hidden, current?.hidden ?? false),
      photoIds,
    });
  }

  async setVisibility(userId: string, v: { opted_in?: unknown; hidden?: unknown }): Promise<void> {
    if (v.opted_in === undefined && v.hidden === undefined) throw bad('validation_failed', 'give opted_in or hidden');
    const optedIn = v.opted_in === undefined ? undefined : checkBool('opted_in', v.opted_in, false);
    const hidden = v.hidden === undefined ? undefined : checkBool('hidden', v.hidden, false);
    if (!(await this.profiles.setVisibility(userId, { optedIn, hidden }))) throw notFound();
  }

  async remove(userId: string): Promise<void> {
    if (!(await this.profiles.remove(userId))) throw notFound();
  }

  blocks(userId: string) {
    return this.profiles.blocks(userId);
  }

  async block(userId: string, other: string): Promise<void> {
    if (other === userId) throw bad('validation_failed', 'you cannot block yourself');
    await this.profiles.block(userId, other);
  }

  async unblock(userId: string, other: string): Promise<void> {
    if (!(await this.profiles.unblock(userId, other))) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'no such block');
    }
  }

  visiblePhoto(searcherId: string, userId: string, photoId: string) {
    return this.profiles.visiblePhoto(searcherId, userId, photoId);
  }

  /**
   * Profiles whose photos agree with the liked and disliked example photos, under the hard filters (default: what
   * the searcher's own profile looks for). Examples: the searcher's own photos, catalogue photos, or photos of
   * profiles the searcher may see.
   */
  async search(req: ProfileSearchRequest): Promise<{ matched: MatchedUser[]; candidates: number }> {
    const filters = await this.filters(req.searcherId, req.filters);
    const ids = [...req.positiveIds, ...req.negativeIds];
    if (req.positiveIds.length < 1 || ids.length > MAX_PROFILE_EXAMPLES) {
      throw bad('validation_failed', `1 to ${MAX_PROFILE_EXAMPLES} example photos in total, at least one liked`, {
        positives: req.positiveIds.length,
        negatives: req.negativeIds.length,
        max: MAX_PROFILE_EXAMPLES,
      });
    }
    const overlap = req.positiveIds.filter((id) => req.negativeIds.includes(id));
    if (overlap.length) throw bad('validation_failed', 'a photo cannot be both liked and disliked', { overlap });
    const rows = new Map((await this.profiles.examplePhotos(ids)).map((r) => [r.id, r]));
    const ownOrCatalog = await this.profiles.ownOrCatalogPhotos(req.searcherId, ids);
    const ofProfiles = await this.profiles.visibleProfilePhotoIds(req.searcherId, ids);
    const missing = ids.filter((id) => !rows.has(id) || (!ownOrCatalog.has(id) && !ofProfiles.has(id)));
    if (missing.length) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'photos not found', { photo_ids: missing });
    }
    const pending = ids.filter((id) => rows.get(id)?.status !== 'annotated' || !rows.get(id)?.embedding);
    if (pending.length) {
      throw new ApiError(HttpStatus.CONFLICT, 'photo_not_annotated', 'some photos are not annotated yet', {
        photo_ids: pending,
      });
    }
    const example = (id: string) => {
      const r = rows.get(id);
      return { id, embedding: fromBytes(r?.embedding as Buffer), attributes: r?.attributes ?? [] };
    };
    const candidates = await this.profiles.candidates(req.searcherId, filters);
    const matches = this.matcher.rank(
      {
        positives: req.positiveIds.map(example),
        negatives: req.negativeIds.map(example),
        gamma: this.config.env.VISUAL_SEARCH_NEGATIVE_WEIGHT,
        k: req.k,
        aggregation: req.aggregation ?? DEFAULT_AGGREGATION,
      },
      candidates.map((c) => ({
        userId: c.user_id,
        photoId: c.photo_id,
        embedding: fromBytes(c.embedding),
        attributes: c.attributes,
      })),
    );
    // Read the cards after ranking under the same predicate: a profile hidden or a block made meanwhile drops out.
    const cards = await this.profiles.visibleCards(
      req.searcherId,
      matches.map((m) => m.userId),
    );
    const matched = matches.flatMap((m) => {
      const card = cards.get(m.userId);
      if (!card) return [];
      const { user_id: _id, ...profile } = card;
      return [
        {
          user_id: m.userId,
          match_score: m.matchScore,
          explanation: m.explanation,
          best_photo_id: m.bestPhotoId,
          profile,
        },
      ];
    });
    return { matched, candidates: new Set(candidates.map((c) => c.user_id)).size };
  }

  /** Parses the filters (unknown attribute → 400 with the allowed list); absent → the searcher's own wishes. */
  async filters(searcherId: string, raw: Record<string, unknown> | undefined): Promise<ProfileFilters> {
    if (raw === undefined) {
      const own = await this.profiles.find(searcherId);
      return own
        ? { genders: own.seeking_genders, ageMin: own.seeking_age_min, ageMax: own.seeking_age_max }
        : { ageMin: MIN_AGE, ageMax: MAX_AGE };
    }
    const unknown = Object.keys(raw).filter((k) => !(PROFILE_FILTERS as readonly string[]).includes(k));
    if (unknown.length) {
      throw bad('unknown_filter', `unknown filter attribute ${unknown.join(', ')}`, {
        unknown,
        allowed: PROFILE_FILTERS,
      });
    }
    const out: ProfileFilters = {
      ageMin: raw.age_min === undefined ? MIN_AGE : checkAge('filters.age_min', raw.age_min),
      ageMax: raw.age_max === undefined ? MAX_AGE : checkAge('filters.age_max', raw.age_max),
    };
    if (out.ageMin > out.ageMax) {
      throw bad('age_out_of_range', 'filters.age_min must not exceed filters.age_max', { field: 'filters.age_min' });
    }
    if (raw.gender !== undefined) out.genders = checkGenders('filters.gender', raw.gender);
    if (raw.city !== undefined) {
      if (!Array.isArray(raw.city) || raw.city.length === 0 || raw.city.length > 20) {
        throw bad('validation_failed', 'filters.city must list 1-20 cities');
      }
      out.cities = raw.city.map((c) => cityKey(checkText('filters.city', c, 80)));
    }
    return out;
  }
}

const notFound = () => new ApiError(HttpStatus.NOT_FOUND, 'profile_not_found', 'you have no profile yet');
