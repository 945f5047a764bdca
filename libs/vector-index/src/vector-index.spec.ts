import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExactVectorIndex, HnswVectorIndex, normalize, randomUnitVectors, recallAtK, type VectorIndex } from './index';

const row = (data: Float32Array, i: number, d: number): Float32Array => data.subarray(i * d, (i + 1) * d);

describe('ExactVectorIndex', () => {
  it('returns the true top-k by inner product, best first, honouring exclusions', () => {
    const index = new ExactVectorIndex(2, 1);
    index.upsert('east', normalize(new Float32Array([1, 0])));
    index.upsert('north', normalize(new Float32Array([0, 1])));
    index.upsert('north-east', normalize(new Float32Array([1, 1])));
    index.upsert('west', normalize(new Float32Array([-1, 0])));
    const q = normalize(new Float32Array([1, 0.2]));
    expect(index.search(q, 3).map((h) => h.id)).toEqual(['east', 'north-east', 'north']);
    expect(index.search(q, 2, { exclude: new Set(['east']) }).map((h) => h.id)).toEqual(['north-east', 'north']);
    expect(index.search(q, 1)[0].score).toBeCloseTo(1 / Math.sqrt(1.04), 5);
  });

  it('replaces on upsert and keeps the matrix dense on remove', () => {
    const index = new ExactVectorIndex(2);
    index.upsert('a', new Float32Array([1, 0]));
    index.upsert('b', new Float32Array([0, 1]));
    index.upsert('a', new Float32Array([0, -1]));
    expect(index.size()).toBe(2);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.search(new Float32Array([0, 1]), 5)).toEqual([{ id: 'b', score: 1 }]);
    expect(() => index.upsert('c', new Float32Array([1, 2, 3]))).toThrow(/dimensions/);
  });
});

describe('HnswVectorIndex against exact search', () => {
  const n = 10_000;
  const d = 64;
  const data = randomUnitVectors(n, d, 7);
  const queries = randomUnitVectors(200, d, 8);
  const exact = new ExactVectorIndex(d, n);
  const hnsw = new HnswVectorIndex(d, { connectivity: 32, expansionAdd: 128, expansionSearch: 128 });

  beforeAll(() => {
    const ids = Array.from({ length: n }, (_, i) => `v${i}`);
    ids.forEach((id, i) => exact.upsert(id, row(data, i, d)));
    hnsw.addBatch(ids, data);
  });

  const searchAll = (index: VectorIndex, k: number) =>
    Array.from({ length: 200 }, (_, q) => index.search(row(queries, q, d), k));

  it('reaches recall@10 >= 0.95 on 10k random vectors', () => {
    const recall = recallAtK(searchAll(exact, 10), searchAll(hnsw, 10));
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('reports inner-product scores equal to the exact ones for the ids it returns', () => {
    const q = row(queries, 0, d);
    const truth = new Map(exact.search(q, n).map((h) => [h.id, h.score]));
    for (const hit of hnsw.search(q, 10)) expect(hit.score).toBeCloseTo(truth.get(hit.id) ?? NaN, 4);
  });

  it('never returns excluded ids and still fills k', () => {
    const q = row(queries, 1, d);
    const exclude = new Set(exact.search(q, 50).map((h) => h.id));
    const hits = hnsw.search(q, 10, { exclude });
    expect(hits).toHaveLength(10);
    for (const h of hits) expect(exclude.has(h.id)).toBe(false);
  });

  it('updates incrementally: a replaced vector is found at its new place, a removed one never', () => {
    const q = row(queries, 2, d);
    hnsw.upsert('v1', q);
    expect(hnsw.search(q, 1)[0]).toEqual({ id: 'v1', score: expect.closeTo(1, 4) as number });
    hnsw.remove('v1');
    expect(hnsw.search(q, 10).map((h) => h.id)).not.toContain('v1');
    expect(hnsw.size()).toBe(n - 1);
  });

  it('saves and loads with the same answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
    try {
      await hnsw.save(join(dir, 'items.usearch'));
      const loaded = await HnswVectorIndex.load(join(dir, 'items.usearch'));
      const q = row(queries, 3, d);
      expect(loaded.search(q, 10)).toEqual(hnsw.search(q, 10));
      await exact.save(join(dir, 'items.exact'));
      const exactLoaded = await ExactVectorIndex.load(join(dir, 'items.exact'));
      expect(exactLoaded.search(q, 10)).toEqual(exact.search(q, 10));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
