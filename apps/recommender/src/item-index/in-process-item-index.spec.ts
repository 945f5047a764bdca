import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExactVectorIndex, normalize, randomUnitVectors, recallAtK } from '@atelier/vector-index';
import { InProcessItemIndex } from './in-process-item-index';

// Graph builds of a few thousand vectors take seconds on a shared 2-core machine.
jest.setTimeout(120_000);

const d = 64;
const n = 3000;
const data = randomUnitVectors(n, d, 5);
const queries = randomUnitVectors(50, d, 6);
const row = (m: Float32Array, i: number) => m.subarray(i * d, (i + 1) * d);
const catalogue = (): Map<string, Float32Array> =>
  new Map(Array.from({ length: n }, (_, i) => [`item-${i}`, row(data, i)]));
const options = { connectivity: 16, expansionAdd: 100, expansionSearch: 128, relinkDistance: 0.01 };

/** A copy of v moved by about `distance` (Euclidean) in a random direction, unit length again. */
function nudged(v: Float32Array, distance: number, seed: number): Float32Array {
  const noise = randomUnitVectors(1, d, seed);
  const out = v.map((x, i) => x + distance * noise[i]);
  return normalize(out);
}

describe('InProcessItemIndex (hnsw) — snapshot and incremental sync', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'item-index-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  it('builds once, saves, and after a restart loads the snapshot and applies only what changed', async () => {
    const first = await InProcessItemIndex.hnsw(d, options, dir, warn);
    expect(first.restored).toBe('none');
    const vectors = catalogue();
    expect(await first.sync(vectors)).toMatchObject({ added: n, relinked: 0, moved: 0, removed: 0 });
    expect(await first.sync(vectors)).toMatchObject({ added: 0, unchanged: n });
    expect(await first.persist()).toBe(true);
    expect(await first.persist()).toBe(false); // nothing changed since
    expect(readdirSync(dir).sort()).toEqual([
      'items.hnsw',
      expect.stringMatching(/^items\.hnsw\..+\.usearch$/) as string,
      expect.stringMatching(/^items\.hnsw\..+\.vectors$/) as string,
    ]);

    // "Restart": a new instance over the same directory.
    const second = await InProcessItemIndex.hnsw(d, options, dir, warn);
    expect(second.restored).toBe('loaded');
    expect(second.size()).toBe(n);
    const changed = new Map(vectors);
    changed.set('item-1', row(queries, 0)); // moved far: relinked in the graph
    changed.set('item-2', nudged(row(data, 2), 0.004, 9)); // IDF-sized drift: only the exact copy moves
    changed.delete('item-3');
    changed.set('item-new', row(queries, 1));
    expect(await second.sync(changed)).toMatchObject({ added: 1, relinked: 1, moved: 1, removed: 1, unchanged: n - 3 });
    expect(second.size()).toBe(n);
    expect((await second.search(row(queries, 0), 1))[0]).toEqual({ id: 'item-1', score: expect.closeTo(1, 5) });
    expect((await second.search(row(queries, 1), 1))[0].id).toBe('item-new');
    expect((await second.search(row(data, 3), 5)).map((h) => h.id)).not.toContain('item-3');

    // Answers match the exact scan over the same vectors, scores included (the drifted item's too).
    const exact = new ExactVectorIndex(d, n);
    for (const [id, v] of changed) exact.upsert(id, v);
    const truth = Array.from({ length: 50 }, (_, q) => exact.search(row(queries, q), 10));
    const found = await Promise.all(Array.from({ length: 50 }, (_, q) => second.search(row(queries, q), 10)));
    expect(recallAtK(truth, found)).toBeGreaterThanOrEqual(0.95);
    const drifted = changed.get('item-2') as Float32Array;
    const hit = (await second.search(drifted, 1))[0];
    expect(hit).toEqual({ id: 'item-2', score: expect.closeTo(1, 5) });

    // Upserts between refreshes (new catalogue items) are saved too.
    expect(await second.upsert('item-later', row(queries, 2))).toBe('added');
    expect(await second.persist()).toBe(true);
    const third = await InProcessItemIndex.hnsw(d, options, dir, warn);
    expect(third.size()).toBe(n + 1);
    expect((await third.search(row(queries, 2), 1))[0].id).toBe('item-later');
    expect(warnings).toEqual([]);
  });

  it('sets aside a snapshot built with other graph settings or dimensions, and an unreadable one', async () => {
    const built = await InProcessItemIndex.hnsw(d, options, dir, warn);
    await built.sync(new Map([...catalogue()].slice(0, 100)));
    await built.persist();
    const other = await InProcessItemIndex.hnsw(d, { ...options, connectivity: 24 }, dir, warn);
    expect(other.restored).toBe('mismatched');
    expect(other.size()).toBe(0);
    expect(warnings.pop()).toMatch(/other settings \(connectivity\); rebuilding/);
    expect((await InProcessItemIndex.hnsw(32, options, dir, warn)).restored).toBe('mismatched');
    expect(warnings.pop()).toMatch(/64 dimensions/);
    // A different search beam is not a different graph: it loads.
    expect((await InProcessItemIndex.hnsw(d, { ...options, expansionSearch: 40 }, dir, warn)).restored).toBe('loaded');
    // A directory that cannot be created (a file is in the way): the index works, unpersisted.
    writeFileSync(join(dir, 'a-file'), '');
    const unsaved = await InProcessItemIndex.hnsw(d, options, join(dir, 'a-file', 'sub'), warn);
    expect(warnings.pop()).toMatch(/not usable.*not persisted/);
    await unsaved.sync(new Map([...catalogue()].slice(0, 10)));
    expect(unsaved.size()).toBe(10);
    expect(await unsaved.persist()).toBe(false);
    writeFileSync(join(dir, 'items.hnsw'), '{"format":1,"truncated');
    const broken = await InProcessItemIndex.hnsw(d, options, dir, warn);
    expect(broken.restored).toBe('unreadable');
    expect(warnings.pop()).toMatch(/unreadable/);
  });
});

describe('InProcessItemIndex (exact)', () => {
  it('syncs by replacing vectors in place and removing ids that are gone; keeps no snapshot', async () => {
    const index = InProcessItemIndex.exact(d);
    const vectors = catalogue();
    expect(await index.sync(vectors)).toMatchObject({ added: n });
    vectors.set('item-0', row(queries, 0));
    vectors.delete('item-5');
    expect(await index.sync(vectors)).toMatchObject({ added: 0, moved: 1, removed: 1, unchanged: n - 2 });
    expect((await index.search(row(queries, 0), 1))[0].id).toBe('item-0');
    expect(await index.persist()).toBe(false);
    // Ids upserted after the vectors were read (`keep`) are neither removed nor overwritten by a stale snapshot.
    await index.upsert('item-late', row(queries, 1));
    const stale = new Map(vectors);
    stale.set('item-0', row(data, 0));
    expect(await index.sync(stale, new Set(['item-late', 'item-0']))).toMatchObject({ removed: 0, moved: 0 });
    expect((await index.search(row(queries, 1), 1))[0].id).toBe('item-late');
    expect((await index.search(row(queries, 0), 1))[0].id).toBe('item-0');
  });
});
