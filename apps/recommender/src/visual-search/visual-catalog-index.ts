import { ExactVectorIndex, TopK, type VectorHit, type VectorIndex } from '@atelier/vector-index';
import type { AttributeReading } from './attribute-profile';

export interface CatalogPhoto {
  id: string;
  ownerId: string;
  embedding: Float32Array;
  attributes: AttributeReading[];
}

/** Hard filters: attribute → allowed values (OR within an attribute, AND across attributes). */
export type HardFilters = Readonly<Record<string, readonly string[]>>;

/** A hard filter only trusts readings at least this confident. */
export const FILTER_MIN_CONFIDENCE = 0.5;

/** Below this share of the catalogue, a filtered query scans the allowed items exactly instead of the graph. */
const EXACT_SCAN_SELECTIVITY = 0.1;
const EXACT_SCAN_MAX = 20_000;

export interface CandidateSearchStats {
  plan: 'index' | 'index-filtered' | 'exact-allowed';
  allowed: number;
}

/**
 * The searchable photos: vectors in a VectorIndex (HNSW or exact) plus a dense copy, and posting sets per
 * attribute value for hard filters. Filters are applied inside the candidate search — a selective filter scans
 * only the allowed items exactly, a broad one oversamples the index until k allowed hits are found — so k results
 * come back whenever k allowed items exist (no post-filter starvation).
 */
export class VisualCatalogIndex {
  private readonly photos = new Map<string, CatalogPhoto>();
  private readonly postings = new Map<string, Set<string>>();
  private readonly vectors: ExactVectorIndex;

  constructor(
    readonly dimensions: number,
    private readonly index: VectorIndex,
  ) {
    this.vectors = new ExactVectorIndex(dimensions);
  }

  size(): number {
    return this.photos.size;
  }

  get(id: string): CatalogPhoto | undefined {
    return this.photos.get(id);
  }

  ids(): IterableIterator<string> {
    return this.photos.keys();
  }

  upsert(photo: CatalogPhoto): void {
    this.remove(photo.id);
    this.photos.set(photo.id, photo);
    this.index.upsert(photo.id, photo.embedding);
    this.vectors.upsert(photo.id, photo.embedding);
    for (const r of photo.attributes) {
      if (r.confidence < FILTER_MIN_CONFIDENCE) continue;
      const key = `${r.name}=${r.value}`;
      let set = this.postings.get(key);
      if (!set) this.postings.set(key, (set = new Set()));
      set.add(photo.id);
    }
  }

  /** Bulk load (benchmarks): vectors row after row. */
  addMany(photos: CatalogPhoto[], addToIndex: (ids: string[], data: Float32Array) => void): void {
    const data = new Float32Array(photos.length * this.dimensions);
    photos.forEach((p, i) => {
      data.set(p.embedding, i * this.dimensions);
      this.photos.set(p.id, p);
      this.vectors.upsert(p.id, p.embedding);
      for (const r of p.attributes) {
        if (r.confidence < FILTER_MIN_CONFIDENCE) continue;
        const key = `${r.name}=${r.value}`;
        let set = this.postings.get(key);
        if (!set) this.postings.set(key, (set = new Set()));
        set.add(p.id);
      }
    });
    addToIndex(
      photos.map((p) => p.id),
      data,
    );
  }

  remove(id: string): void {
    const old = this.photos.get(id);
    if (!old) return;
    this.photos.delete(id);
    this.index.remove(id);
    this.vectors.remove(id);
    for (const r of old.attributes) this.postings.get(`${r.name}=${r.value}`)?.delete(id);
  }

  /** Ids passing every filter, or undefined when there are no filters. */
  allowed(filters: HardFilters | undefined): Set<string> | undefined {
    const entries = Object.entries(filters ?? {}).filter(([, values]) => values.length > 0);
    if (entries.length === 0) return undefined;
    const sets = entries
      .map(([name, values]) => {
        const union = new Set<string>();
        for (const v of values) for (const id of this.postings.get(`${name}=${v}`) ?? []) union.add(id);
        return union;
      })
      .sort((a, b) => a.size - b.size);
    const [first, ...rest] = sets;
    return new Set([...first].filter((id) => rest.every((s) => s.has(id))));
  }

  /** Top-k by inner product among allowed items, excluding some ids. */
  candidates(
    query: Float32Array,
    k: number,
    allowed: Set<string> | undefined,
    exclude: ReadonlySet<string> = new Set(),
  ): { hits: VectorHit[]; stats: CandidateSearchStats } {
    const n = this.photos.size;
    if (!allowed) {
      return { hits: this.index.search(query, k, { exclude: new Set(exclude) }), stats: { plan: 'index', allowed: n } };
    }
    if (allowed.size <= Math.min(EXACT_SCAN_MAX, Math.max(k, EXACT_SCAN_SELECTIVITY * n))) {
      const top = new TopK<string>(k);
      for (const id of allowed) {
        if (exclude.has(id)) continue;
        const v = this.vectors.get(id);
        if (!v) continue;
        let s = 0;
        for (let i = 0; i < v.length; i++) s += v[i] * query[i];
        top.push(s, id);
      }
      return {
        hits: top.sorted().map((h) => ({ id: h.value, score: h.score })),
        stats: { plan: 'exact-allowed', allowed: allowed.size },
      };
    }
    // Broad filter: ask the graph for enough neighbours that k of them are expected to pass, doubling until they do.
    let want = Math.min(n, Math.ceil(((k + exclude.size) * n * 1.5) / allowed.size));
    for (;;) {
      const hits = this.index.search(query, want).filter((h) => allowed.has(h.id) && !exclude.has(h.id));
      if (hits.length >= k || want >= n) {
        return { hits: hits.slice(0, k), stats: { plan: 'index-filtered', allowed: allowed.size } };
      }
      want = Math.min(n, want * 2);
    }
  }

  /** A deterministic sample of allowed ids (the background for the relevance threshold). */
  sample(count: number, allowed: Set<string> | undefined, seed = 1): string[] {
    const pool = allowed ? [...allowed] : [...this.photos.keys()];
    if (pool.length <= count) return pool;
    let state = seed >>> 0;
    const out: string[] = [];
    const step = pool.length / count;
    for (let i = 0; i < count; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      out.push(pool[Math.min(pool.length - 1, Math.floor(i * step + (state / 2 ** 32) * step))]);
    }
    return out;
  }
}
