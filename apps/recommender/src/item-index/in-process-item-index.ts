import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  ExactVectorIndex,
  HnswVectorIndex,
  resolveHnswOptions,
  type HnswOptions,
  type SearchOptions,
  type UpsertOutcome,
  type VectorHit,
  type VectorIndex,
} from '@atelier/vector-index';

/** What one reconciliation with the item vectors did (see `ItemIndexBackend.sync`). */
export interface ItemIndexSyncStats extends Record<UpsertOutcome, number> {
  removed: number;
  ms: number;
}

export const emptyStats = (): ItemIndexSyncStats => ({
  added: 0,
  relinked: 0,
  moved: 0,
  unchanged: 0,
  removed: 0,
  ms: 0,
});

/** The item vector index behind `ItemIndexService`: in-process (exact, HNSW) or pgvector. */
export interface ItemIndexBackend {
  readonly kind: 'exact' | 'hnsw' | 'pgvector';
  size(): number;
  /**
   * Makes the index hold exactly these vectors, touching only what changed; ids in `keep` (upserted after the
   * vectors were read) stay as they are, whether in `vectors` or not.
   */
  sync(vectors: ReadonlyMap<string, Float32Array>, keep?: ReadonlySet<string>): Promise<ItemIndexSyncStats>;
  upsert(id: string, vector: Float32Array): Promise<UpsertOutcome>;
  search(query: Float32Array, k: number, options?: SearchOptions): Promise<VectorHit[]>;
  /** Writes a snapshot if the backend keeps one and something changed since the last; true when written. */
  persist(): Promise<boolean>;
}

/** New items go into the graph in batches this large, with the event loop let through between them. */
const INSERT_BATCH = 512;

/**
 * The exact scan or the HNSW graph, in this process. HNSW keeps a snapshot (a manifest + generation files) in
 * `dir`: loaded at start when its dimensions and graph options match the configuration, so a restart only applies
 * what changed since the snapshot; anything unreadable or mismatched is set aside and the graph is rebuilt.
 */
export class InProcessItemIndex implements ItemIndexBackend {
  private dirty = false;

  private constructor(
    readonly kind: 'exact' | 'hnsw',
    private readonly index: VectorIndex,
    private readonly snapshot: string | undefined,
    /** How the snapshot was used at start, for the log and health. */
    readonly restored: 'loaded' | 'none' | 'mismatched' | 'unreadable',
  ) {}

  static exact(dimensions: number): InProcessItemIndex {
    return new InProcessItemIndex('exact', new ExactVectorIndex(dimensions), undefined, 'none');
  }

  /**
   * `name` is the snapshot's file name in `dir` (one writer per file: the service names it after its database).
   * A directory that cannot be created leaves the index without a snapshot (a warning, not a failed start).
   */
  static async hnsw(
    dimensions: number,
    options: Partial<HnswOptions>,
    dir: string,
    warn: (message: string) => void,
    name = 'items.hnsw',
  ): Promise<InProcessItemIndex> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      warn(`HNSW snapshot directory ${dir} is not usable (${(err as Error).message}); the graph is not persisted`);
      return new InProcessItemIndex('hnsw', new HnswVectorIndex(dimensions, options), undefined, 'none');
    }
    const snapshot = join(dir, name);
    if (!existsSync(snapshot)) {
      return new InProcessItemIndex('hnsw', new HnswVectorIndex(dimensions, options), snapshot, 'none');
    }
    try {
      const loaded = await HnswVectorIndex.load(snapshot, {
        expansionSearch: options.expansionSearch,
        threads: options.threads,
      });
      const wanted = resolveHnswOptions(options);
      const mismatch = (['connectivity', 'expansionAdd', 'quantization', 'relinkDistance'] as const).filter(
        (key) => loaded.options[key] !== wanted[key],
      );
      if (loaded.dimensions === dimensions && mismatch.length === 0) {
        return new InProcessItemIndex('hnsw', loaded, snapshot, 'loaded');
      }
      warn(
        `HNSW snapshot ${snapshot} was built with other settings (${
          loaded.dimensions !== dimensions ? `${loaded.dimensions} dimensions` : mismatch.join(', ')
        }); rebuilding the graph`,
      );
      return new InProcessItemIndex('hnsw', new HnswVectorIndex(dimensions, options), snapshot, 'mismatched');
    } catch (err) {
      warn(`HNSW snapshot ${snapshot} is unreadable (${(err as Error).message}); rebuilding the graph`);
      return new InProcessItemIndex('hnsw', new HnswVectorIndex(dimensions, options), snapshot, 'unreadable');
    }
  }

  size(): number {
    return this.index.size();
  }

  async sync(vectors: ReadonlyMap<string, Float32Array>, keep?: ReadonlySet<string>): Promise<ItemIndexSyncStats> {
    const started = Date.now();
    const stats = emptyStats();
    for (const id of [...this.index.storedIds()]) {
      if (!vectors.has(id) && !keep?.has(id) && this.index.remove(id)) stats.removed++;
    }
    const fresh: string[] = [];
    for (const [id, vector] of vectors) {
      if (keep?.has(id)) continue;
      if (this.index.has(id)) stats[this.index.upsert(id, vector)]++;
      else fresh.push(id);
    }
    const d = this.index.dimensions;
    for (let start = 0; start < fresh.length; start += INSERT_BATCH) {
      const ids = fresh.slice(start, start + INSERT_BATCH);
      if (this.index instanceof HnswVectorIndex) {
        const block = new Float32Array(ids.length * d);
        ids.forEach((id, i) => block.set(vectors.get(id) as Float32Array, i * d));
        stats.added += this.index.addBatch(ids, block);
        await yieldToEventLoop();
      } else for (const id of ids) stats[this.index.upsert(id, vectors.get(id) as Float32Array)]++;
    }
    if (stats.added + stats.relinked + stats.moved + stats.removed > 0) this.dirty = true;
    stats.ms = Date.now() - started;
    return stats;
  }

  upsert(id: string, vector: Float32Array): Promise<UpsertOutcome> {
    const outcome = this.index.upsert(id, vector);
    if (outcome !== 'unchanged') this.dirty = true;
    return Promise.resolve(outcome);
  }

  search(query: Float32Array, k: number, options?: SearchOptions): Promise<VectorHit[]> {
    return Promise.resolve(this.index.search(query, k, options));
  }

  async persist(): Promise<boolean> {
    if (!this.snapshot || !this.dirty) return false;
    this.dirty = false;
    try {
      await this.index.save(this.snapshot);
      return true;
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }
}
