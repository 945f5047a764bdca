import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource, type QueryResult, type QueryRunner } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { HnswOptions, SearchOptions, SqlClient, UpsertOutcome, VectorHit } from '@atelier/vector-index';
import { ITEM_VECTOR_DIMENSIONS } from '../features/item-vector';
import { InProcessItemIndex, type ItemIndexBackend, type ItemIndexSyncStats } from './in-process-item-index';
import { PgVectorItemIndex } from './pgvector-item-index';

/**
 * An item is relinked in the HNSW graph / rewritten to pgvector only once its vector moved this far (Euclidean
 * distance of unit vectors) since it was last written: re-fitted IDF weights nudge every text vector on each
 * catalogue change. HNSW still scores with the current vectors; pgvector scores may lag by at most this much.
 */
export const REWRITE_DISTANCE = 0.01;
export interface ItemIndexState {
  /** hnsw: whether the snapshot was loaded at start (else why not); null for the other indexes. */
  snapshot: 'loaded' | 'none' | 'mismatched' | 'unreadable' | null;
  lastSync: ItemIndexSyncStats | null;
}

/** A changed HNSW index is written to its snapshot at most this often (and at shutdown). */
const SAVE_DELAY_MS = 5_000;

/** The graph options the recommender's configuration selects. */
export function hnswOptionsOf(env: ServiceConfig<'recommender'>['env']): Partial<HnswOptions> {
  return {
    connectivity: env.RECOMMENDER_HNSW_CONNECTIVITY,
    expansionAdd: env.RECOMMENDER_HNSW_EXPANSION_ADD,
    expansionSearch: env.RECOMMENDER_HNSW_EXPANSION_SEARCH,
    quantization: env.RECOMMENDER_HNSW_QUANTIZATION,
    relinkDistance: REWRITE_DISTANCE,
  };
}

/**
 * TypeORM's DataSource as the pgvector adapter's client: each query on a pooled connection, each `transaction` on
 * one. Structured results, because TypeORM's plain `query` returns `[rows, count]` for DELETE … RETURNING.
 */
export function sqlClientOf(dataSource: DataSource): SqlClient {
  const on = (runner: QueryRunner): SqlClient => ({
    query: async (text, params) => ({ rows: ((await runner.query(text, params, true)) as QueryResult).records }),
  });
  return {
    query: async (text, params) => {
      const runner = dataSource.createQueryRunner();
      try {
        return await on(runner).query(text, params);
      } finally {
        await runner.release();
      }
    },
    transaction: (work) => dataSource.transaction((m) => work(on(m.queryRunner as QueryRunner))),
  };
}

/**
 * The one index of item vectors the recommender searches for content candidates and similar items, chosen by
 * RECOMMENDER_VECTOR_INDEX: `exact` (scan, the reference), `hnsw` (usearch graph in this process, snapshot in
 * RECOMMENDER_VECTOR_INDEX_DIR, loaded at start and saved after changes) or `pgvector` (`recommender.item_vectors`).
 * It lives as long as the process: a model refresh only applies the vectors that changed. With pgvector selected
 * the service refuses to start when PostgreSQL lacks the extension.
 */
@Injectable()
export class ItemIndexService implements OnModuleInit, BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger('ItemIndex');
  private backend?: ItemIndexBackend;
  private saveTimer?: NodeJS.Timeout;
  private saving?: Promise<void>;
  private lastSync?: ItemIndexSyncStats;
  /** Upserts so far, and the count at each id's last upsert: a sync leaves ids upserted after its mark alone. */
  private upserts = 0;
  private readonly upsertedAt = new Map<string, number>();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly dataSource: DataSource,
  ) {}

  /** Runs after the persistence module's migrations (global modules initialise first). */
  async onModuleInit(): Promise<void> {
    const env = this.config.env;
    const d = ITEM_VECTOR_DIMENSIONS;
    if (env.RECOMMENDER_VECTOR_INDEX === 'pgvector') {
      this.backend = await PgVectorItemIndex.open(sqlClientOf(this.dataSource), d, {
        efSearch: env.RECOMMENDER_HNSW_EXPANSION_SEARCH,
        rewriteDistance: REWRITE_DISTANCE,
      });
    } else if (env.RECOMMENDER_VECTOR_INDEX === 'hnsw') {
      // One snapshot per database, so services of different databases (test meshes) never share a file.
      const hnsw = await InProcessItemIndex.hnsw(
        d,
        hnswOptionsOf(env),
        env.RECOMMENDER_VECTOR_INDEX_DIR,
        (m) => this.logger.warn(m),
        `items-${this.config.database.database}.hnsw`,
      );
      this.logger.log(
        hnsw.restored === 'loaded'
          ? `HNSW snapshot loaded from ${env.RECOMMENDER_VECTOR_INDEX_DIR}: ${hnsw.size()} items`
          : `HNSW index starts empty (snapshot: ${hnsw.restored})`,
      );
      this.backend = hnsw;
    } else this.backend = InProcessItemIndex.exact(d);
  }

  get kind(): string {
    return this.backend?.kind ?? this.config.env.RECOMMENDER_VECTOR_INDEX;
  }

  size(): number {
    return this.backend?.size() ?? 0;
  }

  /** For the health route: how the snapshot was used at start, and what the last refresh changed. */
  state(): ItemIndexState {
    return {
      snapshot:
        this.backend instanceof InProcessItemIndex && this.backend.kind === 'hnsw' ? this.backend.restored : null,
      lastSync: this.lastSync ?? null,
    };
  }

  /** Taken before reading the vectors for `sync`. */
  mark(): number {
    return this.upserts;
  }

  /**
   * Makes the index hold exactly these item vectors (called on every model refresh). Items upserted after `mark`
   * (the catalogue handler, while the refresh was reading) are newer than `vectors`: they are neither overwritten
   * nor removed.
   */
  async sync(vectors: ReadonlyMap<string, Float32Array>, mark = this.upserts): Promise<ItemIndexSyncStats> {
    const newer = new Set([...this.upsertedAt].filter(([, at]) => at > mark).map(([id]) => id));
    const stats = await this.ready().sync(vectors, newer);
    for (const [id, at] of this.upsertedAt) if (at <= mark) this.upsertedAt.delete(id);
    this.lastSync = stats;
    if (stats.added + stats.relinked + stats.moved + stats.removed > 0) {
      this.logger.log(
        `${this.kind} index synced in ${stats.ms} ms: ${stats.added} added, ${stats.relinked} relinked, ` +
          `${stats.moved} moved, ${stats.removed} removed, ${stats.unchanged} unchanged`,
      );
      this.scheduleSave();
    }
    return stats;
  }

  async upsert(id: string, vector: Float32Array): Promise<UpsertOutcome> {
    this.upsertedAt.set(id, ++this.upserts);
    const outcome = await this.ready().upsert(id, vector);
    if (outcome !== 'unchanged') this.scheduleSave();
    return outcome;
  }

  search(query: Float32Array, k: number, options?: SearchOptions): Promise<VectorHit[]> {
    return this.ready().search(query, k, options);
  }

  /** Writes the snapshot now if there is one to write (HNSW); waits for a save in progress. */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saving;
    this.saving = this.save();
    await this.saving;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  onModuleDestroy(): void {
    clearTimeout(this.saveTimer);
  }

  private scheduleSave(): void {
    if (this.saveTimer || !this.backend) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = (this.saving ?? Promise.resolve()).then(() => this.save());
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private async save(): Promise<void> {
    try {
      const started = Date.now();
      if (await this.backend?.persist()) {
        this.logger.log(`HNSW snapshot saved (${this.size()} items, ${Date.now() - started} ms)`);
      }
    } catch (err) {
      // The snapshot is a cache of the database: losing one costs a rebuild at the next start, nothing else.
      this.logger.error(`HNSW snapshot not saved: ${(err as Error).message}`);
    }
  }

  private ready(): ItemIndexBackend {
    if (!this.backend) throw new Error('item index used before the module initialised');
    return this.backend;
  }
}
