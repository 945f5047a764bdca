import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@atelier/config';
import { AttributeSchema } from '../apps/recommender/src/attributes/attribute-schema';
import { ContrastiveTypeExtractor } from '../apps/recommender/src/attributes/contrastive-type.extractor';
import { decodePhoto } from '../apps/recommender/src/attributes/photo-annotator';
import { imageTowerInput } from '../apps/recommender/src/contrastive/contrastive-checkpoint';
import { ContrastiveEncoder } from '../apps/recommender/src/contrastive/contrastive-encoder';
import { trainFixtureCheckpoint } from '../apps/recommender/src/contrastive/contrastive-fixture';
import { readFashionProducts, type FashionProduct } from '../apps/recommender/src/search/search-evaluation';
import { TestMesh } from './support/test-mesh';

const FASHION = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');
const PHOTOS = join(FASHION, 'images_60x80');

interface Json {
  [key: string]: unknown;
}
interface Hit {
  externalId: string;
  title: string;
  matchedBy: string[];
  rank: number | null;
  imageSimilarity: number | null;
  score: number;
}

/**
 * Catalogue search with and without the contrastive towers. The recommender first runs with an empty models dir
 * (full-text search only, as before), then with a checkpoint this test trains from the item features the service
 * itself computed for a real fashion slice, after a restart. Half the items have terse titles ("Fastrack 1234")
 * that full text cannot match, so only the text tower → photo embeddings path can find them.
 */
describe('semantic catalogue search (recommender with a contrastive checkpoint)', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'atelier-models-'));
  const mesh = new TestMesh({
    services: ['recommender'],
    env: {
      RECOMMENDER_MODELS_DIR: modelsDir,
      RECOMMENDER_REFRESH_INTERVAL_MS: '1000',
      VISUAL_EXTRACTORS: 'colour,contrastive',
    },
  });
  const base = () => mesh.supervisor.url('recommender');
  const shop = mesh.newUser();
  const alice = mesh.newUser();

  const call = async (method: string, path: string, body?: unknown, role = 'customer', type = 'application/json') => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { 'x-user-id': role === 'shop' ? shop : alice, 'x-user-role': role, 'content-type': type },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const search = async (q: string, extra = '') => {
    const r = await call('GET', `/v1/catalog/search?q=${encodeURIComponent(q)}&limit=6${extra}`);
    expect(r.status).toBe(200);
    return r.body as Json & { items: Hit[] };
  };

  // Six real products of each of four types; every other one gets a title without its type word.
  const have = new Set(readdirSync(PHOTOS).map((f) => f.replace(/\.jpg$/, '')));
  const all = readFashionProducts(FASHION, (id) => have.has(id));
  const products = ['Watches', 'Tshirts', 'Casual Shoes', 'Handbags'].flatMap((t) =>
    all.filter((p) => p.articleType === t).slice(0, 7),
  );
  const catalogue = products.filter((_, i) => i % 7 !== 6);
  const unseenWatch = products[6];
  const terse = (i: number) => i % 2 === 1;
  const titleOf = (p: FashionProduct, i: number) => (terse(i) ? `${p.title.split(' ')[0]} ${p.id}` : p.title);
  const typeOf = new Map(catalogue.map((p) => [p.id, p.articleType]));
  const terseWatches = catalogue.filter((p, i) => p.articleType === 'Watches' && terse(i)).map((p) => p.id);

  const health = async () =>
    (await call('GET', '/v1/recommendations/health')).body as Json & {
      semanticSearch: { enabled: boolean; indexed: number };
    };

  beforeAll(async () => {
    await mesh.start();
    const items = catalogue.map((p, i) => ({
      externalId: p.id,
      title: titleOf(p, i),
      imageBase64: readFileSync(join(PHOTOS, `${p.id}.jpg`)).toString('base64'),
    }));
    expect((await call('POST', '/v1/catalog/import', { items }, 'shop')).status).toBe(201);
    await mesh.waitFor(
      async () => {
        const [r] = await mesh.query<{ n: string }>('SELECT count(*) AS n FROM recommender.item_features');
        return Number(r.n) === catalogue.length ? true : undefined;
      },
      45000,
      'item features',
    );
  }, 90_000);
  afterAll(async () => {
    await mesh.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('without a checkpoint searches full text only and says so', async () => {
    const r = await search('watches');
    expect(r).toMatchObject({ mode: 'lexical', semantic: false });
    expect(r.items.length).toBeGreaterThan(0);
    for (const i of r.items) {
      expect(i.matchedBy).toEqual(['text']);
      expect(i.title.toLowerCase()).toContain('watch');
    }
    for (const id of terseWatches) expect(r.items.map((i) => i.externalId)).not.toContain(id);
    expect(await search('watches', '&mode=hybrid')).toMatchObject({ mode: 'lexical', semantic: false, items: r.items });
    expect(await call('GET', '/v1/catalog/search?q=watches&mode=semantic')).toMatchObject({
      status: 409,
      body: { error: { code: 'semantic_unavailable' } },
    });
    expect((await health()).semanticSearch).toMatchObject({ enabled: false, indexed: 0 });
  });

  it('reads Russian queries (typos too) through @atelier/ru-en and finds the English-titled items', async () => {
    const titlesOf = (r: { items: Hit[] }) => r.items.map((i) => i.title.toLowerCase());
    const watches = await search('часы');
    expect(watches).toMatchObject({ mode: 'lexical', english: 'watch' });
    expect(watches.items.length).toBeGreaterThan(0);
    for (const title of titlesOf(watches)) expect(title).toContain('watch');
    // The Russian query finds exactly what its English form finds (the catalogue's word for sneakers is "shoes").
    const english = await search('shoes');
    for (const q of ['кроссовки', 'кросовки']) {
      const shoes = await search(q);
      expect(shoes).toMatchObject({ english: 'shoes' });
      expect(shoes.items.map((i) => i.externalId)).toEqual(english.items.map((i) => i.externalId));
      expect(shoes.items.some((i) => typeOf.get(i.externalId) === 'Casual Shoes')).toBe(true);
    }
    const bags = await search('сумки');
    expect(bags.items.map((i) => i.externalId)).toEqual((await search('bag')).items.map((i) => i.externalId));
    expect(bags.items.some((i) => typeOf.get(i.externalId) === 'Handbags')).toBe(true);
    expect((await search('ботинки')).items.every((i) => typeOf.get(i.externalId) !== 'Watches')).toBe(true);
  });

  it('browses with sort and pages, and answers an unknown filter with the allowed ones', async () => {
    const page1 = await call('GET', '/v1/catalog/search?q=часы&sort=title&limit=2&page=1');
    const page2 = await call('GET', '/v1/catalog/search?q=часы&sort=title&limit=2&page=2');
    expect(page1.status).toBe(200);
    const p1 = page1.body as Json & { items: Hit[]; total: number };
    const p2 = page2.body as Json & { items: Hit[]; total: number };
    expect(p1).toMatchObject({ page: 1, limit: 2, sort: 'title', english: 'watch' });
    expect(p1.total).toBeGreaterThan(2);
    expect(p2.total).toBe(p1.total);
    const titles = [...p1.items, ...p2.items].map((i) => i.title);
    expect(new Set(titles).size).toBe(titles.length);
    const bad = await call('GET', '/v1/catalog/search?q=jeans&size=M');
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { code: 'unknown_filter', details: { unknown: ['size'] } } },
    });
    expect((bad.body.error as { details: { allowed: string[] } }).details.allowed).toEqual(
      expect.arrayContaining(['category', 'price_min', 'price_max', 'gender', 'colour', 'type', 'sort', 'page']),
    );
    expect((await call('GET', '/v1/catalog/search?sort=cheapest')).status).toBe(400);
  });

  it('with a checkpoint fuses full text with the text tower over photos and says which found each item', async () => {
    // Train on the service's own stored features (as it would compute them) with the products' full records.
    const rows = await mesh.query<{ external_id: string; image: Buffer; colour: Buffer }>(
      `SELECT i.external_id, f.image, f.colour FROM recommender.item_features f
         JOIN recommender.items i ON i.id = f.item_id`,
    );
    const floats = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    const byId = new Map(catalogue.map((p) => [p.id, p]));
    await trainFixtureCheckpoint(
      modelsDir,
      rows.map((r) => {
        const p = byId.get(r.external_id) as FashionProduct;
        return {
          id: p.id,
          image: imageTowerInput(floats(r.image), floats(r.colour)),
          title: p.title,
          categoryPath: [p.masterCategory, p.subCategory, p.articleType],
          attributes: { gender: p.gender, baseColour: p.baseColour },
        };
      }),
    );
    await mesh.supervisor.stop('recommender');
    await mesh.supervisor.start('recommender');
    await mesh.waitFor(
      async () => ((await health()).semanticSearch.indexed === catalogue.length ? true : undefined),
      30000,
      'semantic index',
    );

    const r = await search('watches');
    expect(r).toMatchObject({ mode: 'hybrid', semantic: true, fusion: { method: 'rrf', k: 60 }, ignoredTerms: [] });
    const watches = r.items.filter((i) => typeOf.get(i.externalId) === 'Watches');
    expect(watches.length).toBeGreaterThanOrEqual(5);
    // Terse-titled watches come from the photos alone; titled ones from both retrievers.
    const terseFound = r.items.filter((i) => terseWatches.includes(i.externalId));
    expect(terseFound.length).toBeGreaterThanOrEqual(2);
    for (const i of terseFound) expect(i.matchedBy).toEqual(['image']);
    const both = r.items.filter((i) => i.matchedBy.length === 2);
    expect(both.length).toBeGreaterThan(0);
    for (const i of both) {
      expect(i.matchedBy).toEqual(['text', 'image']);
      expect(i.rank).not.toBeNull();
      expect(i.imageSimilarity).not.toBeNull();
    }
    const scores = r.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const lexical = await search('watches', '&mode=lexical');
    expect(lexical).toMatchObject({ mode: 'lexical', semantic: false });
    for (const i of lexical.items) expect(i.matchedBy).toEqual(['text']);
    const semantic = await search('watches', '&mode=semantic');
    expect(semantic.items).toHaveLength(6);
    for (const i of semantic.items) expect(i.matchedBy).toEqual(['image']);
    expect(semantic.items.filter((i) => typeOf.get(i.externalId) === 'Watches').length).toBeGreaterThanOrEqual(5);

    // Words the tower never saw are left out and reported; a query of only such words is full text alone.
    expect(await search('watches zzyzx')).toMatchObject({ semantic: true, ignoredTerms: ['zzyzx'] });
    const unknown = await search('zzyzx');
    expect(unknown).toMatchObject({ semantic: true, ignoredTerms: ['zzyzx'] });
    for (const i of unknown.items) expect(i.matchedBy).toEqual(['text']);
    expect((await call('GET', '/v1/catalog/search?q=watches&mode=vibes')).body).toMatchObject({
      error: { code: 'validation_failed' },
    });
  }, 60_000);

  it('annotates uploaded photos with the zero-shot product type of the loaded checkpoint', async () => {
    const upload = await call(
      'POST',
      '/v1/photos?purpose=catalog',
      readFileSync(join(PHOTOS, `${unseenWatch.id}.jpg`)),
      'shop',
      'image/jpeg',
    );
    expect(upload.status).toBe(202);
    const photo = await mesh.waitFor(
      async () => {
        const p = (await call('GET', `/v1/photos/${upload.body.id as string}`, undefined, 'shop')).body;
        return p.status === 'annotated' ? p : undefined;
      },
      30000,
      'annotation',
    );
    const type = (photo.attributes as Array<{ name: string; value: string; confidence: number; source: string }>).find(
      (a) => a.name === 'product_type',
    );
    expect(type).toMatchObject({ source: 'contrastive' });
    // The same checkpoint in this process, on the stored (sanitised) bytes, gives the same answer.
    const [row] = await mesh.query<{ image_key: string }>('SELECT image_key FROM recommender.photos WHERE id = $1', [
      upload.body.id,
    ]);
    const encoder = new ContrastiveEncoder(loadConfig('recommender', { RECOMMENDER_MODELS_DIR: modelsDir }));
    await encoder.onModuleInit();
    const local = await new ContrastiveTypeExtractor(new AttributeSchema(), encoder).extract(
      await decodePhoto(readFileSync(join(mesh.storageDir, row.image_key))),
    );
    expect(type?.value).toBe(local.attributes[0].value);
    expect(type?.confidence).toBeCloseTo(local.attributes[0].confidence, 3);
  }, 60_000);
});
