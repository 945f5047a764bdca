import type { SearchOptions, VectorHit } from './vector-index';
import { assertDimensions } from './vector-index';

/**
 * What the adapter needs from a Postgres client: `query`, and optionally `transaction` (one connection, BEGIN …
 * COMMIT). `pg`'s Client and PGlite fit. With `transaction`, searches apply `efSearch`/`probes` with SET LOCAL
 * per query, which is what a pool needs; without it they are session SETs (`applySearchSettings`).
 */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  transaction?<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/** Same contract as the in-process `VectorIndex`, but every call is a round trip to the database. */
export interface AsyncVectorIndex {
  readonly kind: string;
  readonly dimensions: number;
  size(): Promise<number>;
  has(id: string): Promise<boolean>;
  upsert(id: string, vector: Float32Array): Promise<void>;
  remove(id: string): Promise<boolean>;
  search(query: Float32Array, k: number, options?: SearchOptions): Promise<VectorHit[]>;
}

/**
 * pgvector ≥ 0.8 `hnsw.iterative_scan`: when a WHERE clause (filter, exclusions) drops rows found by the graph scan,
 * keep scanning the graph until LIMIT rows pass (or `maxScanTuples` were visited). `relaxed_order` may return rows
 * slightly out of order, so `search` re-sorts them by distance.
 */
export type PgIterativeScan = 'off' | 'strict_order' | 'relaxed_order';

/** Filters applied inside the graph scan (with `iterativeScan` on, a selective filter still returns k rows). */
export interface PgSearchOptions extends SearchOptions {
  /** Only rows with these ids (e.g. a category's items). */
  allow?: readonly string[];
  /** Tag groups (needs `tags: true`): each group must share a tag with the row — AND across groups, OR within. */
  tags?: readonly (readonly string[])[];
}

/** `cosine` uses `<=>` (distance = 1 − cos), `inner_product` uses `<#>` (distance = −⟨a, b⟩). */
export type PgVectorMetric = 'cosine' | 'inner_product';

export interface PgVectorOptions {
  /** Table name, optionally schema-qualified (`recommender.item_vectors`). Validated: [a-z_][a-z0-9_]*. */
  table: string;
  dimensions: number;
  metric?: PgVectorMetric;
  /** Approximate index built by `ensureSchema`: HNSW (default), IVFFlat, or none (exact sequential scan). */
  index?:
    { kind: 'hnsw'; m?: number; efConstruction?: number } | { kind: 'ivfflat'; lists?: number } | { kind: 'none' };
  /**
   * `hnsw.ef_search` (candidate list while searching, pgvector caps it at 1000). Per query (raised to k + excluded
   * ids) when the client has `transaction`, else per session by `ensureSchema`.
   */
  efSearch?: number;
  /** `ivfflat.probes`; set per session by `ensureSchema`. */
  probes?: number;
  /** `hnsw.iterative_scan` per query (needs `transaction`); off by default, as in pgvector. */
  iterativeScan?: PgIterativeScan;
  /** `hnsw.max_scan_tuples` per query with an iterative scan (pgvector's default 20000). */
  maxScanTuples?: number;
  /** A `tags text[]` column with a GIN index, for `PgSearchOptions.tags` filters (attribute=value tokens). */
  tags?: boolean;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const OPERATOR: Record<PgVectorMetric, { op: string; opclass: string; toScore: (d: number) => number }> = {
  cosine: { op: '<=>', opclass: 'vector_cosine_ops', toScore: (d) => 1 - d },
  inner_product: { op: '<#>', opclass: 'vector_ip_ops', toScore: (d) => -d },
};

/** Quotes a validated identifier; anything that is not a plain lower-case name is rejected, never escaped. */
function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

function positiveInt(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer in 1..${max}`);
  return value;
}

/** pgvector's text form `[x,y,…]`, passed as a bound parameter and cast to `vector`. */
export function toVectorLiteral(vector: Float32Array): string {
  for (const x of vector) if (!Number.isFinite(x)) throw new Error('vector has a non-finite component');
  return `[${Array.from(vector).join(',')}]`;
}

/**
 * pgvector adapter: vectors live in a table `(id text primary key, embedding vector(d))`, searched with
 * `ORDER BY embedding <op> $1 LIMIT k` so Postgres can use the HNSW/IVFFlat index. For deployments whose
 * Postgres has the extension (docker-compose's pgvector image); this machine's Postgres lacks it, so tests use PGlite.
 * Identifiers are validated and numbers range-checked before they reach SQL text; vectors and ids are always parameters.
 */
export class PgVectorIndex implements AsyncVectorIndex {
  readonly kind = 'pgvector';
  readonly dimensions: number;
  readonly metric: PgVectorMetric;
  private readonly table: string;
  private readonly indexName: string;
  private readonly tagsIndexName: string;

  constructor(
    private readonly sql: SqlClient,
    private readonly options: PgVectorOptions,
  ) {
    // pgvector stores up to 16000 dimensions; its HNSW/IVFFlat indexes take up to 2000.
    this.dimensions = positiveInt('dimensions', options.dimensions, options.index?.kind === 'none' ? 16000 : 2000);
    this.metric = options.metric ?? 'cosine';
    if (!(this.metric in OPERATOR)) throw new Error(`unknown metric ${String(this.metric)}`);
    const parts = options.table.split('.');
    if (parts.length > 2) throw new Error(`invalid table name: ${JSON.stringify(options.table)}`);
    this.table = parts.map(quoteIdentifier).join('.');
    const bare = parts[parts.length - 1];
    this.indexName = quoteIdentifier(`${bare.slice(0, 40)}_${this.metric === 'cosine' ? 'cos' : 'ip'}_idx`);
    this.tagsIndexName = quoteIdentifier(`${bare.slice(0, 40)}_tags_idx`);
    if (
      options.iterativeScan !== undefined &&
      !['off', 'strict_order', 'relaxed_order'].includes(options.iterativeScan)
    ) {
      throw new Error(`unknown iterativeScan ${String(options.iterativeScan)}`);
    }
    if (options.maxScanTuples !== undefined) positiveInt('maxScanTuples', options.maxScanTuples, 1_000_000_000);
  }

  /** The DDL `ensureSchema` runs, exposed for migrations that prefer to own it. */
  schemaStatements(): string[] {
    const { opclass } = OPERATOR[this.metric];
    const index = this.options.index ?? { kind: 'hnsw' };
    const tags = this.options.tags ? `, tags text[] NOT NULL DEFAULT '{}'` : '';
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${this.table} (id text PRIMARY KEY, embedding vector(${this.dimensions}) NOT NULL${tags})`,
    ];
    if (this.options.tags) {
      statements.push(`CREATE INDEX IF NOT EXISTS ${this.tagsIndexName} ON ${this.table} USING gin (tags)`);
    }
    if (index.kind === 'hnsw') {
      const m = positiveInt('m', index.m ?? 16, 100);
      const ef = positiveInt('efConstruction', index.efConstruction ?? 64, 1000);
      statements.push(
        `CREATE INDEX IF NOT EXISTS ${this.indexName} ON ${this.table} USING hnsw (embedding ${opclass}) WITH (m = ${m}, ef_construction = ${ef})`,
      );
    } else if (index.kind === 'ivfflat') {
      const lists = positiveInt('lists', index.lists ?? 100, 32768);
      statements.push(
        `CREATE INDEX IF NOT EXISTS ${this.indexName} ON ${this.table} USING ivfflat (embedding ${opclass}) WITH (lists = ${lists})`,
      );
    }
    return statements;
  }

  /** Creates the extension (when allowed), table and index, and applies the session's search settings. */
  async ensureSchema({ createExtension = true }: { createExtension?: boolean } = {}): Promise<void> {
    if (createExtension) await this.sql.query('CREATE EXTENSION IF NOT EXISTS vector');
    for (const statement of this.schemaStatements()) await this.sql.query(statement);
    await this.applySearchSettings();
  }

  /** Session-level search knobs; call again on a new connection. */
  async applySearchSettings(): Promise<void> {
    if (this.options.efSearch !== undefined) {
      await this.sql.query(`SET hnsw.ef_search = ${positiveInt('efSearch', this.options.efSearch, 1000)}`);
    }
    if (this.options.probes !== undefined) {
      await this.sql.query(`SET ivfflat.probes = ${positiveInt('probes', this.options.probes, 32768)}`);
    }
  }

  /** The installed pgvector version in the connected database, or undefined when the extension is absent. */
  static async extensionVersion(sql: SqlClient): Promise<string | undefined> {
    const { rows } = await sql.query(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
    return (rows[0] as { extversion: string } | undefined)?.extversion;
  }

  /** Whether the table exists (a migration may have created it, or not, depending on the extension). */
  async tableExists(): Promise<boolean> {
    const { rows } = await this.sql.query('SELECT to_regclass($1) IS NOT NULL AS present', [
      this.table.replace(/"/g, ''),
    ]);
    return (rows[0] as { present: boolean }).present;
  }

  async size(): Promise<number> {
    const { rows } = await this.sql.query(`SELECT count(*)::int AS n FROM ${this.table}`);
    return Number((rows[0] as { n: number | string }).n);
  }

  async has(id: string): Promise<boolean> {
    const { rows } = await this.sql.query(`SELECT 1 FROM ${this.table} WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  async upsert(id: string, vector: Float32Array): Promise<void> {
    await this.upsertBatch([id], [vector]);
  }

  /**
   * One statement per batch: ids and vector literals as two text arrays, unnested and cast. With `tags: true`, each
   * row's tags travel as a JSON array (Postgres arrays cannot be ragged) and replace the stored ones.
   */
  async upsertBatch(
    ids: readonly string[],
    vectors: readonly Float32Array[],
    tags?: readonly (readonly string[])[],
  ): Promise<void> {
    if (ids.length !== vectors.length) throw new Error('one vector per id');
    if (tags && !this.options.tags) throw new Error('this index has no tags column (options.tags)');
    if (tags && tags.length !== ids.length) throw new Error('one tag list per id');
    if (ids.length === 0) return;
    const literals = vectors.map((v) => {
      assertDimensions(this.dimensions, v);
      return toVectorLiteral(v);
    });
    if (this.options.tags) {
      await this.sql.query(
        `INSERT INTO ${this.table} (id, embedding, tags)
         SELECT id, literal::vector, ARRAY(SELECT jsonb_array_elements_text(tag_list::jsonb))
         FROM unnest($1::text[], $2::text[], $3::text[]) AS input(id, literal, tag_list)
         ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, tags = EXCLUDED.tags`,
        [ids, literals, ids.map((_, i) => JSON.stringify(tags?.[i] ?? []))],
      );
      return;
    }
    await this.sql.query(
      `INSERT INTO ${this.table} (id, embedding)
       SELECT id, literal::vector FROM unnest($1::text[], $2::text[]) AS input(id, literal)
       ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding`,
      [ids, literals],
    );
  }

  async remove(id: string): Promise<boolean> {
    const { rows } = await this.sql.query(`DELETE FROM ${this.table} WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** The stored vectors of these ids (absent ids are left out). */
  async vectors(ids: readonly string[]): Promise<Map<string, Float32Array>> {
    const { rows } = await this.sql.query(
      `SELECT id, embedding::text AS literal FROM ${this.table} WHERE id = ANY($1::text[])`,
      [[...ids]],
    );
    return new Map(
      (rows as Array<{ id: string; literal: string }>).map((r) => [
        r.id,
        Float32Array.from(r.literal.slice(1, -1).split(','), Number),
      ]),
    );
  }

  /** Deletes every row whose id is not in `ids`; returns how many went. */
  async retainOnly(ids: readonly string[]): Promise<number> {
    const { rows } = await this.sql.query(`DELETE FROM ${this.table} WHERE id <> ALL($1::text[]) RETURNING id`, [
      [...ids],
    ]);
    return rows.length;
  }

  /**
   * Top-k by the metric, best first; `score` is cosine similarity or inner product, like the in-process indexes.
   * Exclusions and filters are WHERE clauses: with an HNSW index and `iterativeScan` off, pgvector filters them after
   * the graph scan, so at most `efSearch` rows come back (ef is widened to cover exclusions); with it on, the scan
   * goes on until k rows pass.
   */
  async search(query: Float32Array, k: number, options: PgSearchOptions = {}): Promise<VectorHit[]> {
    assertDimensions(this.dimensions, query);
    if (k <= 0) return [];
    const limit = positiveInt('k', k, 100_000);
    const { op, toScore } = OPERATOR[this.metric];
    const exclude = [...(options.exclude ?? [])];
    const params: unknown[] = [toVectorLiteral(query)];
    const where: string[] = [];
    if (exclude.length > 0) where.push(`id <> ALL($${params.push(exclude)}::text[])`);
    if (options.allow) where.push(`id = ANY($${params.push([...options.allow])}::text[])`);
    if (options.tags && options.tags.length > 0) {
      if (!this.options.tags) throw new Error('this index has no tags column (options.tags)');
      for (const group of options.tags) where.push(`tags && $${params.push([...group])}::text[]`);
    }
    const select = (sql: SqlClient) =>
      sql.query(
        `SELECT id, embedding ${op} $1::vector AS distance FROM ${this.table}
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY embedding ${op} $1::vector LIMIT ${limit}`,
        params,
      );
    const index = this.options.index ?? { kind: 'hnsw' };
    const transaction = this.sql.transaction?.bind(this.sql);
    const iterative = this.options.iterativeScan ?? 'off';
    let rows: unknown[];
    if (transaction && index.kind === 'hnsw' && (this.options.efSearch !== undefined || iterative !== 'off')) {
      const settings: string[] = [];
      if (this.options.efSearch !== undefined) {
        const base = positiveInt('efSearch', this.options.efSearch, 1000);
        // Without an iterative scan the graph returns at most ef_search rows before exclusions are filtered: widen it.
        const ef =
          iterative === 'off'
            ? Math.min(1000, Math.max(base, limit + exclude.length))
            : Math.max(base, Math.min(1000, limit));
        settings.push(`SET LOCAL hnsw.ef_search = ${ef}`);
      }
      if (iterative !== 'off') {
        settings.push(`SET LOCAL hnsw.iterative_scan = ${iterative}`);
        if (this.options.maxScanTuples !== undefined) {
          settings.push(`SET LOCAL hnsw.max_scan_tuples = ${this.options.maxScanTuples}`);
        }
      }
      rows = await transaction(async (tx) => {
        for (const statement of settings) await tx.query(statement);
        return (await select(tx)).rows;
      });
    } else if (transaction && index.kind === 'ivfflat' && this.options.probes !== undefined) {
      const probes = positiveInt('probes', this.options.probes, 32768);
      rows = await transaction(async (tx) => {
        await tx.query(`SET LOCAL ivfflat.probes = ${probes}`);
        return (await select(tx)).rows;
      });
    } else rows = (await select(this.sql)).rows;
    const hits = (rows as Array<{ id: string; distance: number | string }>).map((r) => ({
      id: r.id,
      score: toScore(Number(r.distance)),
    }));
    // relaxed_order may return rows slightly out of order.
    return iterative === 'relaxed_order' ? hits.sort((a, b) => b.score - a.score) : hits;
  }
}
