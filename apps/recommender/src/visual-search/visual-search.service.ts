import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ExactVectorIndex, HnswVectorIndex } from '@atelier/vector-index';
import { PHOTO_EMBEDDING_DIMENSIONS, PhotoAnnotator } from '../attributes/photo-annotator';
import { hnswOptionsOf } from '../item-index/item-index.service';
import { ApiError } from '@atelier/service-kit';
import { fromBytes, PhotoRepository, type PhotoRow } from '../photos/photo.repository';
import { VisualCatalogIndex, type HardFilters } from './visual-catalog-index';
import { loadVisualHead, type VisualHead } from './visual-head';
import {
  HEAD_EMBEDDING_WEIGHT,
  VisualSearchEngine,
  type SearchStrategy,
  type VisualSearchResult,
} from './visual-search-engine';

/** Liked + disliked example photos per search (the "5 liked and 5 disliked"). */
export const MAX_EXAMPLES = 10;

export interface VisualSearchRequest {
  ownerId: string;
  positiveIds: string[];
  negativeIds: string[];
  /** Catalogue items as examples (a liked product): each stands for its newest annotated photo. */
  positiveItemIds?: string[];
  negativeItemIds?: string[];
  filters?: HardFilters;
  k: number;
  strategy: SearchStrategy;
}

/**
 * Visual search over the annotated catalog photos. The in-memory index follows the photos table incrementally
 * (rows changed since the last load) before each search, so the worker's annotations are searchable at once.
 */
@Injectable()
export class VisualSearchService {
  private readonly logger = new Logger('VisualSearchService');
  private readonly catalog: VisualCatalogIndex;
  private readonly engine: VisualSearchEngine;
  /** The trained metric head (RECOMMENDER_MODELS_DIR/visual-head-v1.json), when one was trained. */
  private readonly head?: VisualHead;
  private loadedUntil: Date | null = null;
  private loading?: Promise<void>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly photos: PhotoRepository,
    private readonly annotator: PhotoAnnotator,
  ) {
    this.head = this.loadHead();
    const d = this.head?.output ?? PHOTO_EMBEDDING_DIMENSIONS;
    this.catalog = new VisualCatalogIndex(
      d,
      config.env.RECOMMENDER_VECTOR_INDEX === 'hnsw'
        ? new HnswVectorIndex(d, hnswOptionsOf(config.env))
        : new ExactVectorIndex(d),
    );
    this.engine = new VisualSearchEngine(annotator.schema, this.catalog);
  }

  /** Which photo embedding space the search ranks in: the trained head's, or the raw stored embedding. */
  get space(): 'head' | 'raw' {
    return this.head ? 'head' : 'raw';
  }

  private loadHead(): VisualHead | undefined {
    const dir = this.config.env.RECOMMENDER_MODELS_DIR;
    if (!dir) return undefined;
    try {
      const loaded = loadVisualHead(dir, PHOTO_EMBEDDING_DIMENSIONS);
      if (loaded) this.logger.log(`visual head ${dir} (${loaded.head.output}-d, ${loaded.checkpoint.trainedAt})`);
      return loaded?.head;
    } catch (err) {
      // A bad head file must not keep the service down: search runs on the raw embedding.
      this.logger.error(`visual head in ${dir} not loaded: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** A stored embedding in the search space. */
  private embed(stored: Float32Array): Float32Array {
    return this.head ? this.head.project(stored) : stored;
  }

  async search(request: VisualSearchRequest): Promise<VisualSearchResult> {
    this.validateFilters(request.filters);
    const req = await this.withItemPhotos(request);
    const ids = [...req.positiveIds, ...req.negativeIds];
    if (req.positiveIds.length < 1 || ids.length > MAX_EXAMPLES) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'validation_failed',
        `1 to ${MAX_EXAMPLES} example photos in total, at least one of them liked`,
        { positives: req.positiveIds.length, negatives: req.negativeIds.length, max: MAX_EXAMPLES },
      );
    }
    const overlap = req.positiveIds.filter((id) => req.negativeIds.includes(id));
    if (overlap.length) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'a photo cannot be both positive and negative', {
        photo_ids: overlap,
      });
    }
    const rows = new Map((await this.photos.usable(ids, req.ownerId)).map((r) => [r.id, r]));
    const missing = ids.filter((id) => !rows.has(id));
    if (missing.length)
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'photos not found', { photo_ids: missing });
    const pending = ids.filter((id) => rows.get(id)?.status !== 'annotated');
    if (pending.length) {
      throw new ApiError(HttpStatus.CONFLICT, 'photo_not_annotated', 'some photos are not annotated yet', {
        photo_ids: pending,
      });
    }
    await this.sync();
    const example = (id: string) => {
      const r = rows.get(id) as PhotoRow;
      return { id, embedding: this.embed(fromBytes(r.embedding as Buffer)), attributes: r.attributes };
    };
    return this.engine.search({
      positives: req.positiveIds.map(example),
      negatives: req.negativeIds.map(example),
      filters: req.filters,
      k: req.k,
      strategy: req.strategy,
      gamma: this.config.env.VISUAL_SEARCH_NEGATIVE_WEIGHT,
      embeddingWeight: this.head ? HEAD_EMBEDDING_WEIGHT : undefined,
    });
  }

  /** Item examples replaced by their photos; an item without an annotated photo yet is a 409. */
  private async withItemPhotos(req: VisualSearchRequest): Promise<VisualSearchRequest> {
    const positives = req.positiveItemIds ?? [];
    const negatives = req.negativeItemIds ?? [];
    if (positives.length + negatives.length === 0) return req;
    const photos = await this.photos.itemPhotos([...positives, ...negatives]);
    const missing = [...positives, ...negatives].filter((id) => !photos.has(id));
    if (missing.length) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'photo_not_annotated',
        'some items have no photo ready for visual search yet',
        { item_ids: missing },
      );
    }
    const photoOf = (id: string) => photos.get(id) as string;
    const unique = (ids: string[]) => [...new Set(ids)];
    return {
      ...req,
      positiveIds: unique([...req.positiveIds, ...positives.map(photoOf)]),
      negativeIds: unique([...req.negativeIds, ...negatives.map(photoOf)]),
    };
  }

  /** Loads catalog photos changed since the last load. */
  sync(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const rows = await this.photos.annotatedCatalogSince(this.loadedUntil);
    for (const r of rows) {
      if (r.status === 'annotated' && r.embedding) {
        this.catalog.upsert({
          id: r.id,
          ownerId: r.owner_id,
          embedding: this.embed(fromBytes(r.embedding)),
          attributes: r.attributes,
        });
      } else this.catalog.remove(r.id);
      if (!this.loadedUntil || r.updated_at > this.loadedUntil) this.loadedUntil = r.updated_at;
    }
    if (rows.length) this.logger.log(`visual catalog: ${rows.length} photos loaded, ${this.catalog.size()} searchable`);
  }

  private validateFilters(filters: HardFilters | undefined): void {
    for (const [name, values] of Object.entries(filters ?? {})) {
      const spec = this.annotator.schema.spec(name);
      if (!spec) {
        throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `unknown filter attribute ${name}`, {
          allowed: this.annotator.schema.names(),
        });
      }
      if (!Array.isArray(values) || values.length === 0 || values.length > 20) {
        throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `filters.${name} must list 1-20 values`);
      }
      const bad = values.filter((v) => typeof v !== 'string' || !this.annotator.schema.has(name, v));
      if (bad.length) {
        throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `filters.${name}: unknown values`, {
          unknown: bad,
          allowed: spec.values.map((v) => v.value),
        });
      }
    }
  }
}
