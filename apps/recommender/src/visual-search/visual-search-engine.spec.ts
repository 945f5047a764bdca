import { HnswVectorIndex, randomUnitVectors } from '@atelier/vector-index';
import { AttributeSchema } from '../attributes/attribute-schema';
import type { AttributeReading } from './attribute-profile';
import { VisualCatalogIndex, type CatalogPhoto } from './visual-catalog-index';
import { rocchioTarget, VisualSearchEngine, type ExamplePhoto } from './visual-search-engine';

const schema = new AttributeSchema();
const D = 32;

/** Seeded catalogue: 4 clusters; hair colour by cluster; 1% of items are at the beach. */
function catalogue(n = 2000): { photos: CatalogPhoto[]; centres: Float32Array } {
  const centres = randomUnitVectors(4, D, 5);
  const noise = randomUnitVectors(n, D, 6);
  const hair = ['blonde', 'black', 'red', 'light brown'];
  const photos: CatalogPhoto[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    const v = new Float32Array(D);
    for (let j = 0; j < D; j++) v[j] = centres[c * D + j] + 0.35 * noise[i * D + j];
    const attributes: AttributeReading[] = [
      { name: 'hair_colour', value: hair[c], confidence: 0.9 },
      { name: 'gender', value: i % 2 ? 'male' : 'female', confidence: 0.95 },
    ];
    // The beach photos sit in cluster 3, far from cluster-0 queries.
    if (i % 100 === 3) attributes.push({ name: 'setting', value: 'beach', confidence: 0.8 });
    photos.push({ id: `p${i}`, ownerId: `u${i % 50}`, embedding: normalise(v), attributes });
  }
  return { photos, centres };
}

function normalise(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function setup(photos: CatalogPhoto[]) {
  const catalog = new VisualCatalogIndex(D, new HnswVectorIndex(D));
  for (const p of photos) catalog.upsert(p);
  return { catalog, engine: new VisualSearchEngine(schema, catalog) };
}

const example = (p: CatalogPhoto): ExamplePhoto => ({ id: p.id, embedding: p.embedding, attributes: p.attributes });

describe('VisualSearchEngine', () => {
  const { photos } = catalogue();
  const { catalog, engine } = setup(photos);
  const cluster = (c: number) => photos.filter((_, i) => i % 4 === c);

  it('finds the positives’ cluster and explains by hair colour, both strategies', () => {
    for (const strategy of ['average_vector', 'best_score'] as const) {
      const result = engine.search({
        positives: cluster(0).slice(0, 5).map(example),
        negatives: cluster(1).slice(0, 5).map(example),
        k: 10,
        strategy,
        gamma: 0.5,
      });
      expect(result.matched).toHaveLength(10);
      expect(result.noGoodMatch).toBe(false);
      for (const m of result.matched) expect(Number(m.id.slice(1)) % 4).toBe(0);
      const first = result.matched[0].explanation;
      expect(first.parts).toContainEqual(
        expect.objectContaining({ attribute: 'hair_colour', value: 'blonde', relation: 'like_positives' }),
      );
      expect(first.en).toMatch(/hair colour \(blonde\)/);
      expect(first.ru).toMatch(/цвет волос \(светлые\)/);
    }
  });

  it('a filter matching 1% of the catalogue still returns k results, all passing it', () => {
    const result = engine.search({
      positives: cluster(0).slice(0, 5).map(example),
      negatives: [],
      filters: { setting: ['beach'] },
      k: 10,
      strategy: 'average_vector',
      gamma: 0.5,
      threshold: false,
    });
    expect(result.plan).toBe('exact-allowed');
    expect(result.matched).toHaveLength(10);
    for (const m of result.matched)
      expect(catalog.get(m.id)?.attributes).toContainEqual(expect.objectContaining({ value: 'beach' }));
    // A broad filter (half the catalogue) goes through the graph and still fills k.
    const broad = engine.search({
      positives: cluster(0).slice(0, 5).map(example),
      negatives: [],
      filters: { gender: ['male'] },
      k: 20,
      strategy: 'average_vector',
      gamma: 0.5,
    });
    expect(broad.plan).toBe('index-filtered');
    expect(broad.matched).toHaveLength(20);
    for (const m of broad.matched) expect(Number(m.id.slice(1)) % 2).toBe(1);
  });

  it('never names an attribute the matched photo lacks', () => {
    // Half of the catalogue has no hair colour reading at all.
    const sparse = photos.map((p, i) =>
      i % 8 < 4 ? { ...p, attributes: p.attributes.filter((a) => a.name !== 'hair_colour') } : p,
    );
    const s = setup(sparse);
    const result = s.engine.search({
      positives: cluster(0).slice(0, 5).map(example),
      negatives: cluster(1).slice(0, 5).map(example),
      k: 30,
      strategy: 'average_vector',
      gamma: 0.5,
      threshold: false,
    });
    let mentioned = 0;
    for (const m of result.matched) {
      const names = new Set(s.catalog.get(m.id)?.attributes.map((a) => a.name));
      for (const part of m.explanation.parts) {
        expect(names.has(part.attribute)).toBe(true);
        mentioned++;
      }
      if (!names.has('hair_colour')) expect(m.explanation.en).not.toMatch(/hair/);
    }
    expect(mentioned).toBeGreaterThan(0);
  });

  it('scores hair colour fuzzily: light brown beats black for blonde positives at equal embeddings', () => {
    const v = normalise(new Float32Array(D).fill(1));
    const items: CatalogPhoto[] = ['light brown', 'black', 'blonde'].map((hair, i) => ({
      id: `h${i}`,
      ownerId: 'x',
      embedding: v,
      attributes: [{ name: 'hair_colour', value: hair, confidence: 0.9 }],
    }));
    const s = setup(items);
    const positives = [0, 1, 2].map((i) => ({
      id: `q${i}`,
      embedding: v,
      attributes: [{ name: 'hair_colour', value: 'blonde', confidence: 0.9 }],
    }));
    const result = s.engine.search({
      positives,
      negatives: [],
      k: 3,
      strategy: 'average_vector',
      gamma: 0.5,
      threshold: false,
      diversify: false,
    });
    expect(result.matched.map((m) => m.id)).toEqual(['h2', 'h0', 'h1']);
  });

  it('drops near-duplicates with the DPP', () => {
    const query0 = {
      positives: cluster(0).slice(0, 5).map(example),
      negatives: [],
      k: 10,
      strategy: 'average_vector' as const,
      gamma: 0.5,
    };
    const best = catalog.get(engine.search({ ...query0, diversify: false }).matched[0].id) as CatalogPhoto;
    const dupes = Array.from({ length: 6 }, (_, i) => ({ ...best, id: `dup${i}` }));
    const s = setup([...photos, ...dupes]);
    const query = {
      positives: cluster(0).slice(0, 5).map(example),
      negatives: [],
      k: 10,
      strategy: 'average_vector' as const,
      gamma: 0.5,
    };
    const plain = s.engine.search({ ...query, diversify: false });
    const diverse = s.engine.search(query);
    const copies = (ids: string[]) => ids.filter((id) => id === best.id || id.startsWith('dup')).length;
    expect(copies(plain.matched.map((m) => m.id))).toBeGreaterThan(3);
    expect(copies(diverse.matched.map((m) => m.id))).toBeLessThanOrEqual(1);
  });

  it('answers "no good match" when nothing stands out from the background', () => {
    // Every item equally far from the target: all scores within noise of the background.
    const base = randomUnitVectors(1, D, 9);
    const noise = randomUnitVectors(400, D, 10);
    const flat: CatalogPhoto[] = Array.from({ length: 400 }, (_, i) => ({
      id: `f${i}`,
      ownerId: 'x',
      embedding: normalise(base.map((x, j) => x + 0.002 * noise[i * D + j])),
      attributes: [],
    }));
    const s = setup(flat);
    const target = randomUnitVectors(1, D, 11);
    const result = s.engine.search({
      positives: [{ id: 'q', embedding: target, attributes: [] }],
      negatives: [],
      k: 10,
      strategy: 'average_vector',
      gamma: 0.5,
    });
    expect(result.candidates).toBeGreaterThan(0);
    expect(result.matched).toEqual([]);
    expect(result.noGoodMatch).toBe(true);
  });

  it('builds the Rocchio target α·avg(pos) − γ·avg(neg)', () => {
    const t = rocchioTarget([Float32Array.of(1, 0), Float32Array.of(1, 0)], [Float32Array.of(0, 1)], 0.5, 2);
    expect(t[0]).toBeCloseTo(2 / Math.sqrt(5));
    expect(t[1]).toBeCloseTo(-1 / Math.sqrt(5));
  });
});
