import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { TopK } from './top-k';
import { assertDimensions, type SearchOptions, type UpsertOutcome, VectorIndex, type VectorHit } from './vector-index';

/** How usearch stores the vectors the graph navigates by (the exact float32 copy is always kept beside it). */
export type HnswQuantization = 'f32' | 'f16' | 'bf16' | 'i8';
export const HNSW_QUANTIZATIONS: readonly HnswQuantization[] = ['f32', 'f16', 'bf16', 'i8'];

export interface HnswOptions {
  /** Graph degree M (the base layer keeps 2·M links): higher = better recall per visited node, slower inserts. */
  connectivity: number;
  /** Candidate list while inserting (efConstruction): graph quality vs build time. */
  expansionAdd: number;
  /** Candidate list while searching (ef), the recall/latency knob; a search uses max(ef, k + excluded). */
  expansionSearch: number;
  /**
   * Scalar type of the graph's own vector copy. Every returned candidate is rescored with the exact float32
   * vector, so quantisation only decides which candidates are found, never the scores or their order.
   * `i8` scales each vector to [-127, 127] by its norm and truncates: coarse above a few hundred dimensions.
   */
  quantization: HnswQuantization;
  /** Threads for batch inserts (0 = all cores). Searches run on the calling thread. */
  threads: number;
  /**
   * An upsert whose vector moved less than this (Euclidean distance between unit vectors, summed over the moves
   * since the item was last linked into the graph) only replaces the exact copy; the graph keeps its links. 0 =
   * every change relinks. The graph only proposes candidates, so small drift (re-fitted IDF weights) costs no
   * accuracy in the scores and barely any in recall, and saves a graph insert per item per model refresh.
   */
  relinkDistance: number;
}

/**
 * Defaults chosen with `npm run bench:recs` (see libs/vector-index/README.md): f16 halves the memory the graph
 * reads per visited node at no measurable recall cost against f32; M = 32 and efConstruction = 200 build a graph
 * that reaches recall@10 ≥ 0.95 on 10k random 256-d vectors at ef = 256.
 */
export const DEFAULT_HNSW_OPTIONS: Readonly<HnswOptions> = Object.freeze({
  connectivity: 32,
  expansionAdd: 200,
  expansionSearch: 256,
  quantization: 'f16',
  threads: 0,
  relinkDistance: 0,
});

const SCALAR: Record<HnswQuantization, ScalarKind> = {
  f32: ScalarKind.F32,
  f16: ScalarKind.F16,
  bf16: ScalarKind.BF16,
  i8: ScalarKind.I8,
};

/** Written by `save` next to the graph and the exact vectors; the snapshot is the generation it names. */
interface HnswManifest {
  format: 1;
  dimensions: number;
  options: Omit<HnswOptions, 'threads'>;
  generation: string;
  /** The id stored in each slot (usearch key = slot), null for a free slot. */
  slots: Array<string | null>;
}

const MANIFEST_FORMAT = 1;
/** Searches wanting at least 1/EXACT_SCAN_SHARE of the index scan the exact copies instead of the graph. */
const EXACT_SCAN_SHARE = 4;

/**
 * In-process HNSW graph (usearch, prebuilt native addon shipped in its npm package) under the inner-product metric,
 * plus an exact float32 copy of every vector: candidates from the graph are rescored exactly, so scores equal the
 * exact index's and the graph may hold a quantised copy. String ids map to integer slots (the usearch keys), and
 * slots of removed ids are reused. `save`/`load` persist both, so a restart resumes incrementally.
 */
export class HnswVectorIndex extends VectorIndex {
  readonly kind = 'hnsw';
  private opts: Readonly<HnswOptions>;
  private readonly index: Index;
  private ids: Array<string | null> = [];
  private readonly slots = new Map<string, number>();
  private free: number[] = [];
  /** Exact vectors, slot after slot. */
  private data: Float32Array;
  /** Per slot: Euclidean distance the exact copy may have moved since the graph last linked it (upper bound). */
  private drift: Float32Array;

  constructor(
    readonly dimensions: number,
    options: Partial<HnswOptions> = {},
  ) {
    super();
    this.opts = resolveHnswOptions(options);
    this.index = new Index({
      dimensions,
      metric: MetricKind.IP,
      quantization: SCALAR[this.opts.quantization],
      connectivity: this.opts.connectivity,
      expansion_add: this.opts.expansionAdd,
      // usearch searches with max(its own ef, results wanted); `search` always asks for at least our ef,
      // so keeping usearch's at 1 leaves the beam to `expansionSearch` (changeable, and not lost on load).
      expansion_search: 1,
      multi: false,
    });
    this.data = new Float32Array(dimensions * 64);
    this.drift = new Float32Array(64);
  }

  get options(): Readonly<HnswOptions> {
    return this.opts;
  }

  /** Changes the search beam (ef) of this index: the recall/latency trade-off, no rebuild needed. */
  setExpansionSearch(expansionSearch: number): void {
    this.opts = Object.freeze(validateOptions({ ...this.opts, expansionSearch }));
  }

  size(): number {
    return this.slots.size;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** The stored exact vector (a copy), or undefined. */
  get(id: string): Float32Array | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.data.slice(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  upsert(id: string, vector: Float32Array): UpsertOutcome {
    assertDimensions(this.dimensions, vector);
    const slot = this.slots.get(id);
    if (slot === undefined) {
      const fresh = this.claimSlot(id);
      this.data.set(vector, fresh * this.dimensions);
      this.insert([fresh], vector);
      return 'added';
    }
    const moved = this.distanceToStored(slot, vector);
    if (moved === 0) return 'unchanged';
    this.data.set(vector, slot * this.dimensions);
    if (this.drift[slot] + moved < this.opts.relinkDistance) {
      this.drift[slot] += moved;
      return 'moved';
    }
    this.drift[slot] = 0;
    this.index.remove(BigInt(slot));
    this.insert([slot], vector);
    return 'relinked';
  }

  /**
   * Bulk insert, row i of `vectors` under ids[i]; new ids go into the graph in one call that usearch spreads
   * over `threads`, known ids take the `upsert` path. Returns how many ids were new.
   */
  addBatch(ids: readonly string[], vectors: Float32Array): number {
    const d = this.dimensions;
    if (vectors.length !== ids.length * d) throw new Error('vectors do not match ids × dimensions');
    const fresh: number[] = [];
    const rows: number[] = [];
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) throw new Error(`duplicate id in batch: ${id}`);
      seen.add(id);
      if (this.slots.has(id)) this.upsert(id, vectors.subarray(i * d, (i + 1) * d));
      else {
        fresh.push(this.claimSlot(id));
        rows.push(i);
      }
    });
    if (fresh.length === 0) return 0;
    const block = new Float32Array(fresh.length * d);
    rows.forEach((row, j) => {
      const v = vectors.subarray(row * d, (row + 1) * d);
      block.set(v, j * d);
      this.data.set(v, fresh[j] * d);
    });
    this.index.add(
      BigUint64Array.from(fresh, (s) => BigInt(s)),
      block,
      this.opts.threads,
    );
    return fresh.length;
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    this.index.remove(BigInt(slot));
    this.slots.delete(id);
    this.ids[slot] = null;
    this.drift[slot] = 0;
    this.free.push(slot);
    return true;
  }

  storedIds(): IterableIterator<string> {
    return this.slots.keys();
  }

  search(query: Float32Array, k: number, options: SearchOptions = {}): VectorHit[] {
    assertDimensions(this.dimensions, query);
    const size = this.slots.size;
    if (k <= 0 || size === 0) return [];
    // Exclusions are filtered after the graph search, so ask for enough extra neighbours to cover them. Asking
    // for at least `expansionSearch` results sets the beam width: usearch searches with max(its ef = 1, wanted).
    let want = Math.min(size, Math.max(this.opts.expansionSearch, k + (options.exclude?.size ?? 0)));
    // A search that wants a quarter of the index (small indexes, exclusions of most items such as a category
    // filter) would visit nearly every node of the graph: scanning the exact copies is cheaper and exact.
    if (want * EXACT_SCAN_SHARE >= size) return this.scan(query, k, options.exclude);
    for (;;) {
      const matches = this.index.search(query, want, 1);
      const top = new TopK<string>(k);
      for (const key of matches.keys) {
        const slot = Number(key);
        const id = this.ids[slot];
        if (id === null || id === undefined || options.exclude?.has(id)) continue;
        top.push(this.dotWithStored(query, slot), id);
      }
      const hits = top.sorted().map((h) => ({ id: h.value, score: h.score }));
      if (hits.length >= k || want >= size) return hits;
      want = Math.min(size, want * 2);
    }
  }

  /**
   * Writes `<path>.<generation>.usearch` (graph), `<path>.<generation>.vectors` (exact copies) and then the manifest
   * `<path>` by rename, so a crash mid-save leaves the previous snapshot readable; older generations are deleted.
   */
  async save(path: string): Promise<void> {
    const generation = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const d = this.dimensions;
    // Everything is captured before the first await: upserts may run while the files are written.
    const ids = [...this.ids];
    const slots = ids.length;
    this.index.save(`${path}.${generation}.usearch`);
    const body = Buffer.alloc(slots * d * 4 + slots * 4);
    Buffer.from(this.data.buffer, this.data.byteOffset, slots * d * 4).copy(body, 0);
    Buffer.from(this.drift.buffer, this.drift.byteOffset, slots * 4).copy(body, slots * d * 4);
    await writeFile(`${path}.${generation}.vectors`, body);
    const { threads: _threads, ...persisted } = this.opts;
    const manifest: HnswManifest = {
      format: MANIFEST_FORMAT,
      dimensions: d,
      options: persisted,
      generation,
      slots: ids,
    };
    await writeFile(`${path}.tmp`, JSON.stringify(manifest));
    await rename(`${path}.tmp`, path);
    const prefix = `${basename(path)}.`;
    for (const name of await readdir(dirname(path))) {
      if (!name.startsWith(prefix) || name.startsWith(`${prefix}${generation}.`)) continue;
      if (name.endsWith('.usearch') || name.endsWith('.vectors')) await rm(join(dirname(path), name), { force: true });
    }
  }

  /**
   * Loads a snapshot written by `save`. Graph-shaping options (quantisation, connectivity, expansionAdd,
   * relinkDistance) come from the file; `overrides` may change the search beam and insert threads.
   */
  static async load(
    path: string,
    overrides: Partial<Pick<HnswOptions, 'expansionSearch' | 'threads'>> = {},
  ): Promise<HnswVectorIndex> {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as HnswManifest;
    if (manifest.format !== MANIFEST_FORMAT) throw new Error(`unknown HNSW snapshot format ${String(manifest.format)}`);
    const d = manifest.dimensions;
    const index = new HnswVectorIndex(d, { ...manifest.options, ...stripUndefined(overrides) });
    const slots = manifest.slots.length;
    const body = await readFile(`${path}.${manifest.generation}.vectors`);
    if (body.length !== slots * d * 4 + slots * 4) throw new Error('HNSW snapshot vectors do not match its manifest');
    index.ensureCapacity(slots);
    new Uint8Array(index.data.buffer, 0, slots * d * 4).set(body.subarray(0, slots * d * 4));
    new Uint8Array(index.drift.buffer, 0, slots * 4).set(body.subarray(slots * d * 4));
    index.index.load(`${path}.${manifest.generation}.usearch`);
    index.ids = manifest.slots;
    manifest.slots.forEach((id, slot) => {
      if (id === null) index.free.push(slot);
      else index.slots.set(id, slot);
    });
    // The graph must hold exactly the live slots, or the snapshot's files do not belong together.
    if (index.index.size() !== index.slots.size) {
      throw new Error(`HNSW snapshot graph has ${index.index.size()} nodes, its manifest ${index.slots.size}`);
    }
    return index;
  }

  private scan(query: Float32Array, k: number, exclude: ReadonlySet<string> | undefined): VectorHit[] {
    const top = new TopK<string>(k);
    this.ids.forEach((id, slot) => {
      if (id !== null && !exclude?.has(id)) top.push(this.dotWithStored(query, slot), id);
    });
    return top.sorted().map((h) => ({ id: h.value, score: h.score }));
  }

  /**
   * Inserts rows under their slots. usearch keeps one insert context per thread, sized by its last capacity
   * reservation (made by the add that needs more room, or by load): every add passes the same thread count, so a
   * batch never runs on more threads than there are contexts. A failed insert frees the slots it did not fill.
   */
  private insert(slots: number[], rows: Float32Array): void {
    const hardware = Math.max(1, cpus().length);
    const threads = Math.min(this.opts.threads || hardware, hardware);
    const keys = BigUint64Array.from(slots, (s) => BigInt(s));
    try {
      this.index.add(keys, rows, threads);
    } catch (err) {
      const present = this.index.contains(keys) as boolean | boolean[];
      slots.forEach((slot, i) => {
        if ((Array.isArray(present) ? present[i] : present) || this.ids[slot] === null) return;
        this.slots.delete(this.ids[slot] as string);
        this.ids[slot] = null;
        this.free.push(slot);
      });
      throw err;
    }
  }

  private claimSlot(id: string): number {
    const slot = this.free.pop() ?? this.ids.length;
    if (slot === this.ids.length) {
      this.ids.push(id);
      this.ensureCapacity(this.ids.length);
    } else this.ids[slot] = id;
    this.slots.set(id, slot);
    this.drift[slot] = 0;
    return slot;
  }

  private ensureCapacity(slots: number): void {
    if (slots * this.dimensions <= this.data.length) return;
    let capacity = this.drift.length;
    while (capacity < slots) capacity *= 2;
    const data = new Float32Array(capacity * this.dimensions);
    data.set(this.data);
    this.data = data;
    const drift = new Float32Array(capacity);
    drift.set(this.drift);
    this.drift = drift;
  }

  private dotWithStored(query: Float32Array, slot: number): number {
    const data = this.data;
    const offset = slot * this.dimensions;
    let s = 0;
    for (let i = 0; i < query.length; i++) s += query[i] * data[offset + i];
    return s;
  }

  private distanceToStored(slot: number, vector: Float32Array): number {
    const data = this.data;
    const offset = slot * this.dimensions;
    let s = 0;
    for (let i = 0; i < vector.length; i++) {
      const diff = vector[i] - data[offset + i];
      s += diff * diff;
    }
    return Math.sqrt(s);
  }
}

/** The defaults overlaid with the given options (undefined ones ignored), validated. */
export function resolveHnswOptions(options: Partial<HnswOptions> = {}): Readonly<HnswOptions> {
  return Object.freeze(validateOptions({ ...DEFAULT_HNSW_OPTIONS, ...stripUndefined(options) }));
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateOptions(o: HnswOptions): HnswOptions {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`HNSW ${name} must be an integer in ${min}..${max}`);
  };
  int('connectivity', o.connectivity, 2, 512);
  int('expansionAdd', o.expansionAdd, 1, 100_000);
  int('expansionSearch', o.expansionSearch, 1, 100_000);
  int('threads', o.threads, 0, 1024);
  if (!HNSW_QUANTIZATIONS.includes(o.quantization)) throw new Error(`unknown HNSW quantization ${o.quantization}`);
  if (!(o.relinkDistance >= 0 && o.relinkDistance <= 2)) throw new Error('HNSW relinkDistance must be in 0..2');
  return o;
}
