import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_HNSW_OPTIONS,
  ExactVectorIndex,
  HnswVectorIndex,
  normalize,
  randomUnitVectors,
  recallAtK,
  type VectorIndex,
} from './index';

// Graph builds over 10k 256-d vectors take seconds, more on a shared 2-core machine.
jest.setTimeout(180_000);

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
  // The bar: recall@10 >= 0.95 against the exact scan on 10k random vectors, at the bench's 256 dimensions
  // (random unit vectors are the hardest case for a graph: no clusters to navigate by).
  const n = 10_000;
  const d = 256;
  const queryCount = 200;
  const data = randomUnitVectors(n, d, 7);
  const queries = randomUnitVectors(queryCount, d, 8);
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  const exact = new ExactVectorIndex(d, n);
  const hnsw = new HnswVectorIndex(d);

  beforeAll(() => {
    ids.forEach((id, i) => exact.upsert(id, row(data, i, d)));
    expect(hnsw.addBatch(ids, data)).toBe(n);
  });

  const searchAll = (index: VectorIndex, k: number) =>
    Array.from({ length: queryCount }, (_, q) => index.search(row(queries, q, d), k));

  it('reaches recall@10 >= 0.95 on 10k random 256-d vectors with the default options', () => {
    expect(hnsw.options).toMatchObject(DEFAULT_HNSW_OPTIONS);
    const recall = recallAtK(searchAll(exact, 10), searchAll(hnsw, 10));
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('a narrower search beam finds fewer true neighbours (ef is the knob the bar depends on)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
    try {
      await hnsw.save(join(dir, 'items.hnsw'));
      const narrow = await HnswVectorIndex.load(join(dir, 'items.hnsw'), { expansionSearch: 10 });
      expect(narrow.options.expansionSearch).toBe(10);
      expect(recallAtK(searchAll(exact, 10), searchAll(narrow, 10))).toBeLessThan(0.8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scores every hit with the exact float32 inner product, best first', () => {
    const q = row(queries, 0, d);
    const truth = new Map(exact.search(q, n).map((h) => [h.id, h.score]));
    const hits = hnsw.search(q, 10);
    for (const hit of hits) expect(hit.score).toBeCloseTo(truth.get(hit.id) ?? NaN, 6);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('never returns excluded ids and still fills k', () => {
    const q = row(queries, 1, d);
    const exclude = new Set(exact.search(q, 300).map((h) => h.id));
    const hits = hnsw.search(q, 10, { exclude });
    expect(hits).toHaveLength(10);
    for (const h of hits) expect(exclude.has(h.id)).toBe(false);
  });

  it('answers exactly when the exclusions cover most of the index (a category filter)', () => {
    const q = row(queries, 4, d);
    const exclude = new Set(ids.filter((_, i) => i % 10 !== 3));
    expect(hnsw.search(q, 10, { exclude })).toEqual(exact.search(q, 10, { exclude }));
  });

  it('updates incrementally: a replaced vector is found at its new place, a removed one never', () => {
    const q = row(queries, 2, d);
    expect(hnsw.upsert('v1', q)).toBe('relinked');
    expect(hnsw.upsert('v1', q)).toBe('unchanged');
    expect(hnsw.search(q, 1)[0]).toEqual({ id: 'v1', score: expect.closeTo(1, 5) as number });
    expect(hnsw.remove('v1')).toBe(true);
    expect(hnsw.search(q, 10).map((h) => h.id)).not.toContain('v1');
    expect(hnsw.size()).toBe(n - 1);
    // The freed slot is reused by the next new id.
    expect(hnsw.upsert('fresh', q)).toBe('added');
    expect(hnsw.search(q, 1)[0].id).toBe('fresh');
    expect(hnsw.remove('fresh')).toBe(true);
    expect(hnsw.upsert('v1', row(data, 1, d))).toBe('added');
  });

  it('saves and loads the graph and the exact vectors; the loaded index answers the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
    try {
      hnsw.remove('v9');
      await hnsw.save(join(dir, 'items.hnsw'));
      await hnsw.save(join(dir, 'items.hnsw')); // a second save replaces the first generation
      expect(readdirSync(dir).sort()).toHaveLength(3);
      const loaded = await HnswVectorIndex.load(join(dir, 'items.hnsw'));
      expect(loaded.options).toEqual(hnsw.options);
      expect(loaded.size()).toBe(n - 1);
      expect(loaded.has('v9')).toBe(false);
      for (let q = 3; q < 13; q++)
        expect(loaded.search(row(queries, q, d), 10)).toEqual(hnsw.search(row(queries, q, d), 10));
      expect(loaded.get('v5')).toEqual(row(data, 5, d));
      // It keeps working incrementally after the load: the freed slot is reused, new ids are found.
      expect(loaded.upsert('after-load', row(queries, 4, d))).toBe('added');
      expect(loaded.search(row(queries, 4, d), 1)[0].id).toBe('after-load');
      await exact.save(join(dir, 'items.exact'));
      const exactLoaded = await ExactVectorIndex.load(join(dir, 'items.exact'));
      expect(exactLoaded.search(row(queries, 3, d), 10)).toEqual(exact.search(row(queries, 3, d), 10));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      hnsw.upsert('v9', row(data, 9, d));
    }
  });

  it('refuses a snapshot whose graph file is not the one its manifest names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
    try {
      const small = new HnswVectorIndex(4);
      small.upsert('a', normalize(new Float32Array([1, 0, 0, 0])));
      await small.save(join(dir, 'a.hnsw'));
      small.upsert('b', normalize(new Float32Array([0, 1, 0, 0])));
      await small.save(join(dir, 'b.hnsw'));
      const graphOf = (name: string) =>
        readdirSync(dir).find((f) => f.startsWith(`${name}.`) && f.endsWith('.usearch'));
      copyFileSync(join(dir, graphOf('b.hnsw') as string), join(dir, graphOf('a.hnsw') as string));
      await expect(HnswVectorIndex.load(join(dir, 'a.hnsw'))).rejects.toThrow(/graph has 2 nodes, its manifest 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HnswVectorIndex options', () => {
  const n = 4000;
  const d = 128;
  const data = randomUnitVectors(n, d, 21);
  const queries = randomUnitVectors(100, d, 22);
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  const exact = new ExactVectorIndex(d, n);
  ids.forEach((id, i) => exact.upsert(id, row(data, i, d)));
  const truth = Array.from({ length: 100 }, (_, q) => exact.search(row(queries, q, d), 10));

  it.each(['f32', 'f16', 'bf16', 'i8'] as const)(
    '%s graph + exact rescoring keeps recall@10 >= 0.95',
    (quantization) => {
      const index = new HnswVectorIndex(d, { quantization });
      index.addBatch(ids, data);
      const found = Array.from({ length: 100 }, (_, q) => index.search(row(queries, q, d), 10));
      expect(recallAtK(truth, found)).toBeGreaterThanOrEqual(0.95);
      // Scores are the exact ones whatever the graph stores.
      const q0 = new Map(exact.search(row(queries, 0, d), n).map((h) => [h.id, h.score]));
      for (const h of found[0]) expect(h.score).toBeCloseTo(q0.get(h.id) ?? NaN, 6);
    },
  );

  it('relinkDistance: small moves only replace the exact copy, large ones relink; answers stay exact', () => {
    const index = new HnswVectorIndex(d, { relinkDistance: 0.05 });
    index.addBatch(ids, data);
    const noise = randomUnitVectors(n, d, 23);
    const moved = new Float32Array(data.length);
    for (let i = 0; i < n; i++) {
      const v = moved.subarray(i * d, (i + 1) * d);
      for (let j = 0; j < d; j++) v[j] = data[i * d + j] + 0.03 * noise[i * d + j];
      normalize(v);
    }
    const outcomes = ids.map((id, i) => index.upsert(id, row(moved, i, d)));
    expect(new Set(outcomes)).toEqual(new Set(['moved']));
    // Moving back adds another ~0.03: the summed drift passes 0.05, so those items relink.
    const again = ids.map((id, i) => index.upsert(id, row(data, i, d)));
    expect(again.filter((o) => o === 'relinked').length).toBeGreaterThan(n * 0.9);
    const movedExact = new ExactVectorIndex(d, n);
    ids.forEach((id, i) => movedExact.upsert(id, row(data, i, d)));
    const found = Array.from({ length: 100 }, (_, q) => index.search(row(queries, q, d), 10));
    expect(recallAtK(truth, found)).toBeGreaterThanOrEqual(0.95);
    expect(found[0][0].score).toBeCloseTo(movedExact.search(row(queries, 0, d), 1)[0].score, 6);
  });

  it('mixes single upserts, relinks, removals and multi-threaded batches without running out of insert contexts', async () => {
    // usearch sizes its per-thread insert contexts when an add grows the capacity; single-threaded adds used to
    // leave one context, and a later batch that fit the capacity raced two threads for it (a real service log:
    // "Reserve capacity ahead of insertions!" mid-batch, some rows in the graph, others not).
    const wide = 512;
    const vectors = randomUnitVectors(200, wide, 31);
    const at = (i: number) => vectors.subarray(i * wide, (i + 1) * wide);
    for (let trial = 0; trial < 10; trial++) {
      const index = new HnswVectorIndex(wide);
      for (let i = 0; i < 61; i++) index.upsert(`i${i}`, at(i));
      for (let i = 0; i < 57; i++) expect(index.upsert(`i${i}`, at(100 + i))).toBe('relinked');
      for (let i = 57; i < 61; i++) index.remove(`i${i}`);
      const batch = Array.from({ length: 23 }, (_, j) => `b${j}`);
      expect(index.addBatch(batch, vectors.subarray(160 * wide, 183 * wide))).toBe(23);
      expect(index.size()).toBe(80);
      expect(index.search(at(170), 1)[0].id).toBe('b10');
      if (trial === 0) {
        const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
        try {
          await index.save(join(dir, 'mixed.hnsw'));
          expect((await HnswVectorIndex.load(join(dir, 'mixed.hnsw'))).size()).toBe(80); // node count checked
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  });

  it('rejects options out of range', () => {
    expect(() => new HnswVectorIndex(d, { connectivity: 1 })).toThrow(/connectivity/);
    expect(() => new HnswVectorIndex(d, { expansionSearch: 0 })).toThrow(/expansionSearch/);
    expect(() => new HnswVectorIndex(d, { quantization: 'f8' as 'f16' })).toThrow(/quantization/);
  });
});
