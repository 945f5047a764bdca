import { readFile, writeFile } from 'node:fs/promises';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { assertDimensions, type SearchOptions, VectorIndex, type VectorHit } from './vector-index';

export interface HnswOptions {
  /** Graph degree M: higher = better recall, more memory. */
  connectivity?: number;
  /** Candidate list size while inserting (efConstruction). */
  expansionAdd?: number;
  /** Candidate list size while searching (ef); raised to k when k is larger. */
  expansionSearch?: number;
  /** Threads for batch inserts (0 = all cores). Searches run on the calling thread. */
  threads?: number;
}

/**
 * In-process HNSW graph (usearch, prebuilt native addon shipped in its npm package) under inner-product metric.
 * usearch keys are integers, so string ids map to sequential keys; updates remove and re-insert.
 */
export class HnswVectorIndex extends VectorIndex {
  readonly kind = 'hnsw';
  private readonly index: Index;
  private readonly keys = new Map<string, bigint>();
  private readonly ids = new Map<bigint, string>();
  private nextKey = 1n;
  private readonly expansionSearch: number;

  constructor(
    readonly dimensions: number,
    private readonly options: HnswOptions = {},
  ) {
    super();
    this.expansionSearch = options.expansionSearch ?? 128;
    this.index = new Index({
      dimensions,
      metric: MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: options.connectivity ?? 32,
      expansion_add: options.expansionAdd ?? 128,
      expansion_search: this.expansionSearch,
      multi: false,
    });
  }

  size(): number {
    return this.keys.size;
  }

  has(id: string): boolean {
    return this.keys.has(id);
  }

  upsert(id: string, vector: Float32Array): void {
    assertDimensions(this.dimensions, vector);
    this.remove(id);
    const key = this.nextKey++;
    this.index.add(key, vector);
    this.keys.set(id, key);
    this.ids.set(key, id);
  }

  /** Bulk insert of new ids; usearch parallelises it over `threads`. */
  addBatch(ids: readonly string[], vectors: Float32Array): void {
    if (vectors.length !== ids.length * this.dimensions) throw new Error('vectors do not match ids × dimensions');
    for (const id of ids) this.remove(id);
    const keys = new BigUint64Array(ids.length);
    ids.forEach((id, i) => {
      const key = this.nextKey++;
      keys[i] = key;
      this.keys.set(id, key);
      this.ids.set(key, id);
    });
    const rows = ids.map((_, i) => vectors.subarray(i * this.dimensions, (i + 1) * this.dimensions));
    if (rows.length > 0) this.index.add(keys, rows, this.options.threads ?? 0);
  }

  remove(id: string): boolean {
    const key = this.keys.get(id);
    if (key === undefined) return false;
    this.index.remove(key);
    this.keys.delete(id);
    this.ids.delete(key);
    return true;
  }

  search(query: Float32Array, k: number, options: SearchOptions = {}): VectorHit[] {
    assertDimensions(this.dimensions, query);
    if (k <= 0 || this.keys.size === 0) return [];
    // Exclusions are filtered after the graph search, so ask for enough extra neighbours to cover them.
    // Asking for at least `expansionSearch` results pins the beam width: usearch searches with max(ef, k),
    // and an index loaded from a file forgets the ef it was built with.
    let want = Math.min(this.keys.size, Math.max(this.expansionSearch, k + (options.exclude?.size ?? 0)));
    for (;;) {
      const matches = this.index.search(query, want, 1);
      const hits: VectorHit[] = [];
      for (let i = 0; i < matches.keys.length && hits.length < k; i++) {
        const id = this.ids.get(matches.keys[i]);
        if (id === undefined || options.exclude?.has(id)) continue;
        hits.push({ id, score: 1 - matches.distances[i] });
      }
      if (hits.length >= k || want >= this.keys.size) return hits;
      want = Math.min(this.keys.size, want * 2);
    }
  }

  async save(path: string): Promise<void> {
    this.index.save(path);
    const map = {
      dimensions: this.dimensions,
      nextKey: String(this.nextKey),
      ids: [...this.ids].map(([k, id]) => [String(k), id]),
    };
    await writeFile(`${path}.ids.json`, JSON.stringify(map));
  }

  static async load(path: string, options: HnswOptions = {}): Promise<HnswVectorIndex> {
    const map = JSON.parse(await readFile(`${path}.ids.json`, 'utf8')) as {
      dimensions: number;
      nextKey: string;
      ids: Array<[string, string]>;
    };
    const index = new HnswVectorIndex(map.dimensions, options);
    // usearch's load replaces the graph and its own config (connectivity) with the file's.
    index.index.load(path);
    index.nextKey = BigInt(map.nextKey);
    for (const [key, id] of map.ids) {
      index.ids.set(BigInt(key), id);
      index.keys.set(id, BigInt(key));
    }
    return index;
  }
}
