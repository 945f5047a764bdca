import {
  PgVectorIndex,
  type PgSearchOptions,
  type PgVectorOptions,
  type SqlClient,
  type UpsertOutcome,
  type VectorHit,
} from '@atelier/vector-index';
import { emptyStats, type ItemIndexBackend, type ItemIndexSyncStats } from './in-process-item-index';

/**
 * The table and index of migration 1763820000000-item-vectors (created there only when the extension exists).
 * `pgvector-item-index.spec.ts` checks that these options generate exactly the migration's DDL.
 */
export const ITEM_VECTORS_TABLE = 'recommender.item_vectors';
export const itemVectorsOptions = (dimensions: number, efSearch: number): PgVectorOptions => ({
  table: ITEM_VECTORS_TABLE,
  dimensions,
  metric: 'cosine',
  index: { kind: 'hnsw', m: 16, efConstruction: 64 },
  efSearch: Math.min(1000, efSearch),
  // Exclusions (and filters) are WHERE clauses: keep walking the graph until k rows pass, instead of widening ef.
  iterativeScan: 'relaxed_order',
});

/** Rows written per INSERT … ON CONFLICT statement, read per SELECT (a vector travels as ~10 characters a dimension). */
const WRITE_BATCH = 200;
const READ_BATCH = 500;

/** Thrown at start when pgvector is selected but cannot work: the message says what to do. */
export class PgVectorUnavailableError extends Error {}

/**
 * pgvector behind the item index: vectors in `recommender.item_vectors`, searched by Postgres's HNSW index.
 * The process remembers what it wrote (a copy per item), so a model refresh writes only vectors that moved at least
 * `rewriteDistance` (Euclidean, unit vectors) from the stored row — re-fitted IDF weights nudge every text vector
 * on each catalogue change; scores may lag the current vectors by at most that much. The first sync after a start
 * reads the stored rows back (so a restart rewrites nothing unchanged) and deletes rows of items that no longer exist.
 */
export class PgVectorItemIndex implements ItemIndexBackend {
  readonly kind = 'pgvector';
  private readonly written = new Map<string, Float32Array>();
  private synced = false;

  private constructor(
    private readonly index: PgVectorIndex,
    private readonly rewriteDistance: number,
  ) {}

  /** Fails with a clear message when the extension or the table is missing. */
  static async open(
    sql: SqlClient,
    dimensions: number,
    options: { efSearch: number; rewriteDistance: number },
  ): Promise<PgVectorItemIndex> {
    const version = await PgVectorIndex.extensionVersion(sql);
    if (version === undefined) {
      throw new PgVectorUnavailableError(
        'RECOMMENDER_VECTOR_INDEX=pgvector, but the pgvector extension is not installed in this database. ' +
          'Use a PostgreSQL that ships it (docker-compose.yml runs pgvector/pgvector:pg16) and run ' +
          '`npm run db:setup` (provisioning creates it when the server offers it), or choose ' +
          'RECOMMENDER_VECTOR_INDEX=exact or hnsw.',
      );
    }
    const index = new PgVectorIndex(sql, itemVectorsOptions(dimensions, options.efSearch));
    if (!(await index.tableExists())) {
      throw new PgVectorUnavailableError(
        `RECOMMENDER_VECTOR_INDEX=pgvector: pgvector ${version} is installed but ${ITEM_VECTORS_TABLE} is missing, ` +
          'so migration ItemVectors1763820000000 ran before the extension existed. Revert it ' +
          "(DELETE FROM recommender.migrations WHERE name = 'ItemVectors1763820000000') and run `npm run db:setup`.",
      );
    }
    return new PgVectorItemIndex(index, options.rewriteDistance);
  }

  size(): number {
    return this.written.size;
  }

  async sync(vectors: ReadonlyMap<string, Float32Array>, keep?: ReadonlySet<string>): Promise<ItemIndexSyncStats> {
    const started = Date.now();
    const stats = emptyStats();
    if (!this.synced) {
      // After a start, what the table already holds counts as written: unchanged rows are not rewritten.
      const known = [...vectors.keys()];
      for (let start = 0; start < known.length; start += READ_BATCH) {
        for (const [id, v] of await this.index.vectors(known.slice(start, start + READ_BATCH))) this.written.set(id, v);
      }
    }
    const ids: string[] = [];
    const rows: Float32Array[] = [];
    for (const [id, vector] of vectors) {
      if (keep?.has(id)) continue;
      const before = this.written.get(id);
      if (before && this.close(before, vector)) {
        stats.unchanged++;
        continue;
      }
      stats[before ? 'moved' : 'added']++;
      ids.push(id);
      rows.push(vector);
    }
    for (let start = 0; start < ids.length; start += WRITE_BATCH) {
      await this.index.upsertBatch(ids.slice(start, start + WRITE_BATCH), rows.slice(start, start + WRITE_BATCH));
    }
    ids.forEach((id, i) => this.written.set(id, Float32Array.from(rows[i])));
    const gone = [...this.written.keys()].filter((id) => !vectors.has(id) && !keep?.has(id));
    if (!this.synced) {
      // Rows of items deleted while this process was not running are only known to the table.
      stats.removed = await this.index.retainOnly([...vectors.keys(), ...(keep ?? [])]);
      this.synced = true;
    } else {
      for (const id of gone) if (await this.index.remove(id)) stats.removed++;
    }
    for (const id of gone) this.written.delete(id);
    stats.ms = Date.now() - started;
    return stats;
  }

  async upsert(id: string, vector: Float32Array): Promise<UpsertOutcome> {
    const before = this.written.get(id);
    if (before && this.close(before, vector)) return 'unchanged';
    await this.index.upsert(id, vector);
    this.written.set(id, Float32Array.from(vector));
    return before ? 'moved' : 'added';
  }

  /** `allow` restricts the search to some items (a category) inside the graph scan. */
  search(query: Float32Array, k: number, options?: PgSearchOptions): Promise<VectorHit[]> {
    return this.index.search(query, k, options);
  }

  private close(a: Float32Array, b: Float32Array): boolean {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
    return s === 0 || Math.sqrt(s) < this.rewriteDistance;
  }

  /** Postgres is the snapshot. */
  persist(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
