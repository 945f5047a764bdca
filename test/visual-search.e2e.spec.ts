import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { TestMesh } from './support/test-mesh';

const IMAGES = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images', 'images_60x80');

interface Json {
  [key: string]: unknown;
}

/**
 * Photos and visual search over HTTP and RabbitMQ: uploads validated and sanitised, annotated asynchronously by the
 * worker (photo.uploaded → photo.annotated), searched with positives and negatives, reprocessed in a batch.
 * Fast extractors only (colour, pattern; no CNN) — the models have their own tests.
 */
describe('visual search (recommender)', () => {
  const mesh = new TestMesh({
    services: ['recommender'],
    env: { VISUAL_EXTRACTORS: 'colour,pattern', RECOMMENDER_IMAGE_FEATURES: 'off' },
  });
  const base = () => mesh.supervisor.url('recommender');
  const alice = mesh.newUser();
  const bob = mesh.newUser();

  const call = async (method: string, path: string, user: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${base()}${path}`, {
      method,
      // bob stands for a shop: only shops and admins add catalogue photos.
      headers: { 'x-user-id': user, 'x-user-role': user === bob ? 'shop' : 'customer', 'content-type': contentType },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  const waitAnnotated = async (ids: string[]) => {
    for (let i = 0; i < 300; i++) {
      const rows = await mesh.query<{ status: string }>(
        `SELECT status FROM recommender.photos WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      if (rows.length === ids.length && rows.every((r) => r.status !== 'pending')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('photos were not annotated');
  };

  beforeAll(() => mesh.start());
  afterAll(() => mesh.stop());

  it('rejects bad uploads with a clear 4xx and stores nothing', async () => {
    const notImage = await call('POST', '/v1/photos', alice, Buffer.from('hello'), 'image/jpeg');
    expect(notImage).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
    const bomb = await sharp({ create: { width: 10_000, height: 5_000, channels: 3, background: '#fff' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(await call('POST', '/v1/photos', alice, bomb, 'image/png')).toMatchObject({
      status: 422,
      body: { error: { code: 'image_too_large' } },
    });
    const jpeg = readFileSync(join(IMAGES, readdirSync(IMAGES)[0]));
    const truncated = await call(
      'POST',
      '/v1/photos',
      alice,
      jpeg.subarray(0, Math.floor(jpeg.length / 2)),
      'image/jpeg',
    );
    expect(truncated).toMatchObject({ status: 422, body: { error: { code: 'invalid_image' } } });
    expect(await call('POST', '/v1/photos', alice, { x: 1 })).toMatchObject({ status: 415 });
    const customerCatalog = await call('POST', '/v1/photos?purpose=catalog', alice, jpeg, 'image/jpeg');
    expect(customerCatalog).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await mesh.query('SELECT 1 FROM recommender.photos')).toHaveLength(0);
  });

  it('annotates uploads asynchronously and searches the catalogue from liked and disliked photos', async () => {
    const files = readdirSync(IMAGES).sort().slice(0, 80);
    const catalog: string[] = [];
    for (const f of files) {
      const r = await call('POST', '/v1/photos?purpose=catalog', bob, readFileSync(join(IMAGES, f)), 'image/jpeg');
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ status: 'pending', purpose: 'catalog' });
      catalog.push(String(r.body.id));
    }
    await waitAnnotated(catalog);
    const annotated = await mesh.query<{ type: string }>(
      `SELECT type FROM recommender.outbox WHERE type = 'photo.annotated'`,
    );
    expect(annotated).toHaveLength(80);
    const one = await call('GET', `/v1/photos/${catalog[0]}`, bob);
    expect(one.body).toMatchObject({ status: 'annotated' });
    expect(one.body.attributes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'colour' })]));
    // Another user cannot read bob's photo.
    expect((await call('GET', `/v1/photos/${catalog[0]}`, alice)).status).toBe(404);

    const search = await call('POST', '/v1/search/visual', alice, {
      positive_photo_ids: catalog.slice(0, 3),
      negative_photo_ids: catalog.slice(3, 5),
      k: 5,
      strategy: 'best_score',
    });
    expect(search.status).toBe(200);
    const matched = search.body.matched as Array<{
      id: string;
      match_score: number;
      explanation: { en: string; ru: string };
    }>;
    expect(Array.isArray(matched)).toBe(true);
    for (const m of matched) {
      expect(catalog.slice(0, 5)).not.toContain(m.id);
      expect(m.explanation.en.length).toBeGreaterThan(0);
      expect(m.explanation.ru.length).toBeGreaterThan(0);
    }
    expect(matched.length > 0 || search.body.no_good_match === true).toBe(true);

    const badFilter = await call('POST', '/v1/search/visual', alice, {
      positive_photo_ids: catalog.slice(0, 1),
      filters: { colour: ['ultraviolet'] },
    });
    expect(badFilter).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });

    // Batch reprocessing of bob's photos: back to pending, then annotated again.
    const batch = await call('POST', '/v1/photos/process_batch', bob, { photo_ids: catalog.slice(0, 4) });
    expect(batch).toMatchObject({ status: 202, body: { queued: 4 } });
    expect(
      (await call('POST', '/v1/photos/process_batch', alice, { photo_ids: catalog.slice(0, 4) })).body,
    ).toMatchObject({
      queued: 0,
    });
    await waitAnnotated(catalog.slice(0, 4));
    expect(await mesh.query(`SELECT 1 FROM recommender.outbox WHERE type = 'photo.annotated'`)).toHaveLength(84);
  });

  it('refuses bad visual searches with a 4xx code and stores no saved search for them', async () => {
    const carol = mesh.newUser();
    const jpeg = readFileSync(join(IMAGES, readdirSync(IMAGES).sort()[0]));
    const own = await call('POST', '/v1/photos', alice, jpeg, 'image/jpeg');
    expect(own.status).toBe(202);
    const photo = String(own.body.id);
    await waitAnnotated([photo]);
    const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const bad: [string, Json, number, string][] = [
      ['another user’s photo', { positive_photo_ids: [photo] }, 404, 'not_found'],
      ['no liked photo', { negative_photo_ids: [photo] }, 400, 'validation_failed'],
      [
        'more than 10 photos',
        {
          positive_photo_ids: Array.from({ length: 6 }, (_, i) => uuid(i)),
          negative_photo_ids: Array.from({ length: 5 }, (_, i) => uuid(10 + i)),
        },
        400,
        'validation_failed',
      ],
      [
        'unknown filter value',
        { positive_photo_ids: [photo], filters: { colour: ['ultraviolet'] } },
        400,
        'validation_failed',
      ],
      ['unknown strategy', { positive_photo_ids: [photo], strategy: 'telepathy' }, 400, 'validation_failed'],
    ];
    for (const [what, query, status, code] of bad) {
      const direct = await call('POST', '/v1/search/visual', carol, query);
      expect({ what, ...direct }).toMatchObject({ what, status, body: { error: { code } } });
      const saved = await call('POST', '/v1/search/visual/saved', carol, { name: what, query });
      expect({ what, ...saved }).toMatchObject({ what, status, body: { error: { code } } });
    }
    // An unknown filter attribute lists the allowed ones.
    const attr = await call('POST', '/v1/search/visual', alice, {
      positive_photo_ids: [photo],
      filters: { sleeve_length: ['long'] },
    });
    expect(attr).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    const allowed = (attr.body.error as { details: { allowed: string[] } }).details.allowed;
    expect(allowed).toEqual(expect.arrayContaining(['colour', 'pattern']));
    expect(allowed).not.toContain('sleeve_length');
    expect(await mesh.query('SELECT 1 FROM recommender.saved_searches')).toHaveLength(0);
    // The owner may search with it; the answer says which strategy ranked it.
    const ok = await call('POST', '/v1/search/visual', alice, { positive_photo_ids: [photo], k: 3 });
    expect(ok).toMatchObject({ status: 200, body: { strategy: expect.any(String) } });
  });

  it('answers the style profile: not enough likes yet', async () => {
    const r = await call('GET', '/v1/style-profile', alice);
    expect(r).toMatchObject({ status: 200, body: { status: 'not_enough_likes', modes: [] } });
  });
});
