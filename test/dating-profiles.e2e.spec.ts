import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MeshEventContext } from '@atelier/messaging';
import { readCelebaFaces, readOutfits } from '../apps/recommender/src/profiles/profile-fixture';
import { UserDeletedHandler } from '../apps/recommender/src/user-erasure/user-deleted.handler';
import { TestMesh } from './support/test-mesh';

const DATA = resolve(__dirname, '..', '..', 'shared', 'data');

interface Json {
  [key: string]: unknown;
}
interface MatchedUser {
  user_id: string;
  match_score: number;
  explanation: { en: string; ru: string; parts: Array<{ attribute: string; relation: string }> };
  profile: { gender: string; age: number; city: string; photo_ids: string[] };
}

/**
 * Dating profiles on the real recommender + PostgreSQL: profiles with photos uploaded through /v1/photos (CelebA
 * faces + fashion photos, annotated by the worker), validation with machine-readable codes, profile search
 * (target "profiles") with gender/age/city filters inside the candidate query, privacy (opt-in, self, hide,
 * blocks both ways, photo access) and erasure on user.deleted.
 */
describe('dating profiles (recommender)', () => {
  const mesh = new TestMesh({
    services: ['recommender'],
    env: { VISUAL_EXTRACTORS: 'colour,pattern', RECOMMENDER_IMAGE_FEATURES: 'off' },
  });
  const base = () => mesh.supervisor.url('recommender');
  const faces = readCelebaFaces(DATA);
  const outfits = readOutfits(DATA);

  const call = async (method: string, path: string, user: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { 'x-user-id': user, 'x-user-role': 'customer', 'content-type': contentType },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Json,
    };
  };
  const upload = async (user: string, file: string) => {
    const r = await call('POST', '/v1/photos', user, readFileSync(file), 'image/jpeg');
    expect(r.status).toBe(202);
    return String(r.body.id);
  };
  const waitAnnotated = (ids: string[]) =>
    mesh.waitFor(
      async () => {
        const rows = await mesh.query<{ status: string }>(
          `SELECT status FROM recommender.photos WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        return rows.length === ids.length && rows.every((r) => r.status === 'annotated') ? true : undefined;
      },
      120_000,
      'photos annotated',
    );
  const profileOf = (i: number, over: Json = {}) => ({
    display_name: `Person ${i}`,
    gender: faces[i].gender,
    age: faces[i].age,
    city: 'Moscow',
    seeking_genders: ['female', 'male'],
    seeking_age_min: 18,
    seeking_age_max: 99,
    opted_in: true,
    ...over,
  });
  const search = (user: string, body: Json) =>
    call('POST', '/v1/search/visual', user, { target: 'profiles', k: 10, ...body });
  const users = (r: { body: Json }) => (r.body.matched_users as MatchedUser[]).map((m) => m.user_id);

  // People with real uploaded photos: one face + one outfit each.
  const people = Array.from({ length: 8 }, () => randomUUID());
  const photosOf = new Map<string, string[]>();
  const searcher = randomUUID();
  let liked: string[] = [];
  let disliked: string[] = [];

  beforeAll(async () => {
    await mesh.start();
    const all: string[] = [];
    for (const [i, u] of people.entries()) {
      const ids = [await upload(u, faces[i].file), await upload(u, outfits[i * 3].file)];
      photosOf.set(u, ids);
      all.push(...ids);
    }
    liked = [await upload(searcher, faces[10].file), await upload(searcher, faces[11].file)];
    disliked = [await upload(searcher, outfits[40].file)];
    await waitAnnotated([...all, ...liked, ...disliked]);
  }, 300_000);
  afterAll(() => mesh.stop());

  it('rejects bad profiles with machine-readable codes and stores nothing', async () => {
    const u = people[0];
    const cases: Array<[Json, string]> = [
      [{ age: 16 }, 'age_out_of_range'],
      [{ gender: 'unicorn' }, 'unknown_gender'],
      [{ seeking_genders: ['female', 'x'] }, 'unknown_gender'],
      [{ photo_ids: Array.from({ length: 11 }, () => randomUUID()) }, 'too_many_photos'],
      [{ photo_ids: photosOf.get(people[1]) }, 'photo_not_owned'],
    ];
    for (const [patch, code] of cases) {
      const r = await call('PUT', '/v1/profiles/me', u, { ...profileOf(0), ...patch });
      expect({ status: r.status, code: (r.body.error as Json | undefined)?.code }).toEqual({ status: 400, code });
    }
    const unknownField = await call('PUT', '/v1/profiles/me', u, { ...profileOf(0), eye_colour: 'green' });
    expect(unknownField.status).toBe(400);
    expect(await mesh.query('SELECT 1 FROM recommender.dating_profiles')).toHaveLength(0);
    expect(await mesh.query('SELECT 1 FROM recommender.dating_profile_photos')).toHaveLength(0);
    expect((await call('GET', '/v1/profiles/me', u)).body).toMatchObject({ error: { code: 'profile_not_found' } });
  });

  it('saves profiles with photos; searches with filters inside, privacy and blocks', async () => {
    for (const [i, u] of people.entries()) {
      const r = await call('PUT', '/v1/profiles/me', u, {
        ...profileOf(i, { city: i < 3 ? 'Tver' : 'Moscow', opted_in: i !== 7 }),
        photo_ids: photosOf.get(u),
      });
      expect(r.status).toBe(200);
    }
    expect((await call('GET', '/v1/profiles/me', people[2])).body).toMatchObject({
      city: 'Tver',
      searchable: true,
      photo_ids: photosOf.get(people[2]),
    });
    // The searcher has a profile too (it must never find itself).
    await call('PUT', '/v1/profiles/me', searcher, { ...profileOf(10), photo_ids: liked });

    // Bulk: 300 more opted-in profiles in Omsk straight in the tables (copies of one annotated photo's reading),
    // so Tver (3 of ~310) is a 1% filter.
    const [template] = await mesh.query<{ embedding: Buffer; attributes: unknown }>(
      'SELECT embedding, attributes FROM recommender.photos WHERE id = $1',
      [photosOf.get(people[0])?.[0]],
    );
    for (let i = 0; i < 300; i++) {
      const u = randomUUID();
      const photo = randomUUID();
      await mesh.query(
        `INSERT INTO recommender.photos (id, owner_id, purpose, image_key, format, width, height, status, attributes,
            embedding, embedding_model, annotated_at)
         VALUES ($1, $2, 'query', 'fixture/none', 'jpeg', 60, 80, 'annotated', $3, $4, 'colour-hist', now())`,
        [photo, u, JSON.stringify(template.attributes), template.embedding],
      );
      await mesh.query(
        `INSERT INTO recommender.dating_profiles (user_id, display_name, gender, age, city, city_key, seeking_genders,
            seeking_age_min, seeking_age_max, opted_in)
         VALUES ($1, 'Bulk', $2, $3, 'Omsk', 'omsk', '{female,male}', 18, 99, true)`,
        [u, i % 2 ? 'male' : 'female', 20 + (i % 40)],
      );
      await mesh.query(
        'INSERT INTO recommender.dating_profile_photos (user_id, photo_id, position) VALUES ($1, $2, 0)',
        [u, photo],
      );
    }

    const tver = await search(searcher, {
      positive_photo_ids: liked,
      negative_photo_ids: disliked,
      filters: { city: ['tver '] },
    });
    expect(tver.status).toBe(200);
    expect(new Set(users(tver))).toEqual(new Set(people.slice(0, 3)));
    const first = (tver.body.matched_users as MatchedUser[])[0];
    expect(first.match_score).toBeGreaterThan(0);
    expect(first.explanation.en.length).toBeGreaterThan(0);
    expect(first.explanation.ru.length).toBeGreaterThan(0);
    expect(first.profile.city).toBe('Tver');

    // Gender + age inside the query too: all k come back and all pass.
    const women = await search(searcher, {
      positive_photo_ids: liked,
      filters: { gender: ['female'], age_min: 25, age_max: 30 },
      k: 20,
    });
    const matched = women.body.matched_users as MatchedUser[];
    expect(matched).toHaveLength(20);
    for (const m of matched) {
      expect(m.profile.gender).toBe('female');
      expect(m.profile.age).toBeGreaterThanOrEqual(25);
      expect(m.profile.age).toBeLessThanOrEqual(30);
    }

    // Unknown filter attribute → 400 listing the allowed ones.
    const badFilter = await search(searcher, { positive_photo_ids: liked, filters: { eye_colour: ['green'] } });
    expect(badFilter).toMatchObject({
      status: 400,
      body: { error: { code: 'unknown_filter', details: { allowed: ['gender', 'city', 'age_min', 'age_max'] } } },
    });
    const badAge = await search(searcher, { positive_photo_ids: liked, filters: { age_min: 5 } });
    expect(badAge.body).toMatchObject({ error: { code: 'age_out_of_range' } });
    // Someone else's private photos are not examples.
    const foreign = await search(searcher, { positive_photo_ids: [photosOf.get(people[7])?.[0]] });
    expect(foreign.status).toBe(404);

    // Privacy: never oneself; people[7] is not opted in.
    const everyone = async (user: string) => {
      const r = await search(user, {
        positive_photo_ids: user === searcher ? liked : [photosOf.get(user)?.[0]],
        filters: { city: ['Tver', 'Moscow'] },
        k: 100,
      });
      expect(r.status).toBe(200);
      const ids = users(r);
      expect(ids).not.toContain(user);
      return ids;
    };
    const all = await everyone(searcher);
    expect(all).toEqual(expect.arrayContaining(people.slice(0, 7)));
    expect(all).not.toContain(people[7]);

    // Hiding takes the profile (and its photos) away at once; showing brings it back.
    expect((await call('PATCH', '/v1/profiles/me/visibility', people[1], { hidden: true })).status).toBe(200);
    expect(await everyone(searcher)).not.toContain(people[1]);
    const photo = photosOf.get(people[1])?.[0];
    expect((await call('GET', `/v1/profiles/${people[1]}/photos/${photo}/image`, searcher)).status).toBe(404);
    expect((await call('GET', `/v1/profiles/${people[1]}/photos/${photo}/image`, people[1])).status).toBe(200);
    await call('PATCH', '/v1/profiles/me/visibility', people[1], { hidden: false });
    expect(await everyone(searcher)).toContain(people[1]);
    expect((await call('GET', `/v1/profiles/${people[1]}/photos/${photo}/image`, searcher)).status).toBe(200);

    // Blocking works both ways: people[2] blocks the searcher → neither finds the other.
    expect(await everyone(people[2])).toContain(searcher);
    expect((await call('PUT', `/v1/profiles/me/blocks/${searcher}`, people[2])).status).toBe(204);
    expect(await everyone(searcher)).not.toContain(people[2]);
    expect(await everyone(people[2])).not.toContain(searcher);
    expect((await call('GET', '/v1/profiles/me/blocks', people[2])).body).toMatchObject({
      items: [{ user_id: searcher }],
    });
    expect((await call('GET', '/v1/profiles/me/blocks', searcher)).body).toEqual({ items: [] });
    const blockedPhoto = photosOf.get(people[2])?.[0];
    expect((await call('GET', `/v1/profiles/${people[2]}/photos/${blockedPhoto}/image`, searcher)).status).toBe(404);
    // A liked photo of a profile one may see is an example; of a blocked one, not.
    expect((await search(searcher, { positive_photo_ids: [blockedPhoto] })).status).toBe(404);
    expect((await search(searcher, { positive_photo_ids: [photosOf.get(people[3])?.[0]] })).status).toBe(200);
    expect((await call('DELETE', `/v1/profiles/me/blocks/${searcher}`, people[2])).status).toBe(204);
    expect(await everyone(searcher)).toContain(people[2]);
  }, 240_000);

  it('erases the profile, its photo links and blocks on user.deleted', async () => {
    const gone = people[4];
    await call('PUT', `/v1/profiles/me/blocks/${people[5]}`, gone);
    await call('PUT', `/v1/profiles/me/blocks/${gone}`, people[6]);
    const ctx = { manager: { query: (sql: string, params: unknown[]) => mesh.query(sql, params) } };
    await new UserDeletedHandler().handle(
      { userId: gone } as Parameters<UserDeletedHandler['handle']>[0],
      ctx as unknown as MeshEventContext,
    );
    expect(await mesh.query('SELECT 1 FROM recommender.dating_profiles WHERE user_id = $1', [gone])).toHaveLength(0);
    expect(await mesh.query('SELECT 1 FROM recommender.dating_profile_photos WHERE user_id = $1', [gone])).toHaveLength(
      0,
    );
    expect(
      await mesh.query('SELECT 1 FROM recommender.dating_blocks WHERE blocker_id = $1 OR blocked_id = $1', [gone]),
    ).toHaveLength(0);
    expect(await mesh.query('SELECT 1 FROM recommender.photos WHERE owner_id = $1', [gone])).toHaveLength(0);
    expect((await call('GET', '/v1/profiles/me', people[5])).status).toBe(200);
  });
});
