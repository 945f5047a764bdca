import { randomUUID } from 'node:crypto';
import type { ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import type { ProfileRepository, ProfileWrite } from './profile.repository';
import { ProfilesService } from './profiles.service';

/** A repository double: the caller owns `owned` photos; save() records what would be stored. */
function service(owned: string[] = []) {
  const saved: ProfileWrite[] = [];
  const repo = {
    find: () => Promise.resolve(undefined),
    ownPhotos: (_: string, ids: readonly string[]) => Promise.resolve(new Set(ids.filter((i) => owned.includes(i)))),
    save: (p: ProfileWrite) => {
      saved.push(p);
      return Promise.resolve();
    },
  } as unknown as ProfileRepository;
  const config = { env: { VISUAL_SEARCH_NEGATIVE_WEIGHT: 0.5 } } as unknown as ServiceConfig<'recommender'>;
  return { svc: new ProfilesService(config, repo), saved };
}

const valid = {
  display_name: ' Anna ',
  gender: 'female',
  age: 29,
  city: '  Saint   Petersburg ',
  seeking_genders: ['male'],
  seeking_age_min: 25,
  seeking_age_max: 40,
};

async function codeOf(p: Promise<unknown>): Promise<{ status: number; code: string; details: unknown }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return { status: e.getStatus(), code: e.body.error.code, details: e.body.error.details };
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('ProfilesService validation', () => {
  it('stores a valid profile with normalised text, opted out by default', async () => {
    const photo = randomUUID();
    const { svc, saved } = service([photo]);
    await svc.save('u1', { ...valid, photo_ids: [photo.toUpperCase()] });
    expect(saved).toEqual([
      expect.objectContaining({ displayName: 'Anna', city: 'Saint Petersburg', optedIn: false, photoIds: [photo] }),
    ]);
  });

  it.each([
    [{ age: 17 }, 'age_out_of_range'],
    [{ age: 120 }, 'age_out_of_range'],
    [{ seeking_age_min: 50, seeking_age_max: 30 }, 'age_out_of_range'],
    [{ gender: 'robot' }, 'unknown_gender'],
    [{ seeking_genders: ['female', 'dragon'] }, 'unknown_gender'],
    [{ photo_ids: Array.from({ length: 11 }, () => randomUUID()) }, 'too_many_photos'],
    [{ photo_ids: [randomUUID()] }, 'photo_not_owned'],
    [{ display_name: '' }, 'validation_failed'],
    [{ opted_in: 'yes' }, 'validation_failed'],
  ])('rejects %j with %s and stores nothing', async (patch, code) => {
    const { svc, saved } = service();
    expect(await codeOf(svc.save('u1', { ...valid, ...patch }))).toMatchObject({ status: 400, code });
    expect(saved).toHaveLength(0);
  });

  it('parses filters; an unknown attribute is a 400 listing the allowed ones', async () => {
    const { svc } = service();
    await expect(
      svc.filters('u1', { gender: ['female'], city: [' Kazan '], age_min: 20, age_max: 30 }),
    ).resolves.toEqual({ genders: ['female'], cities: ['kazan'], ageMin: 20, ageMax: 30 });
    expect(await codeOf(svc.filters('u1', { eye_colour: ['green'] }))).toEqual({
      status: 400,
      code: 'unknown_filter',
      details: { unknown: ['eye_colour'], allowed: ['gender', 'city', 'age_min', 'age_max'] },
    });
    expect(await codeOf(svc.filters('u1', { age_min: 10 }))).toMatchObject({ code: 'age_out_of_range' });
    expect(await codeOf(svc.filters('u1', { gender: ['cat'] }))).toMatchObject({ code: 'unknown_gender' });
    // Without filters and without an own profile: everyone of age.
    await expect(svc.filters('u1', undefined)).resolves.toEqual({ ageMin: 18, ageMax: 99 });
  });
});
