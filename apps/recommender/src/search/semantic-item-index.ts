import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ExactVectorIndex, HnswVectorIndex, type VectorHit, type VectorIndex } from '@atelier/vector-index';
import { ContrastiveEncoder } from '../contrastive/contrastive-encoder';
import { ItemFeaturesRepository, type ItemFeatures } from '../features/item-features.repository';

export interface SemanticIndexHealth {
  enabled: boolean;
  indexed: number;
  index: string;
  checkpoint?: { file: string; trainedAt: string; dimensions: number };
}

/**
 * Items' image-tower embeddings (the contrastive checkpoint's joint space) in a VectorIndex, so a query's
 * text-tower embedding finds items by what their photos show. Maintained like the recommender's item vectors:
 * rebuilt from `item_features` at start and whenever the stored features changed (checked every
 * RECOMMENDER_REFRESH_INTERVAL_MS, which catches items another replica indexed), and updated at once when this
 * replica's worker indexes an item. Items without CNN features (no photo, or features off) are left out: the tower
 * was trained on photos. Large photos are read through their thumbnail features (the towers' photo box). Inactive
 * without a checkpoint.
 */
@Injectable()
export class SemanticItemIndex implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SemanticItemIndex');
  private index?: VectorIndex;
  private version = '';
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly features: ItemFeaturesRepository,
    private readonly encoder: ContrastiveEncoder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.encoder.ready) return;
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch((err: unknown) => this.logger.error(err)),
      this.config.env.RECOMMENDER_REFRESH_INTERVAL_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get enabled(): boolean {
    return this.encoder.ready;
  }

  /** Rebuilds the index if the stored item features changed since the last build. */
  refresh(force = false): Promise<void> {
    this.refreshing ??= this.rebuild(force).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Adds, replaces or (without image features) removes one item between rebuilds. */
  upsert(features: ItemFeatures): void {
    const index = this.index;
    if (!index) return;
    if (!features.image) {
      index.remove(features.itemId);
      return;
    }
    const [embedding] = this.encoder.encodeImages([towerInput(features)]);
    index.upsert(features.itemId, embedding);
  }

  /** Nearest items to a joint-space query by cosine, best first. */
  async search(query: Float32Array, k: number): Promise<VectorHit[]> {
    if (!this.encoder.ready) return [];
    if (!this.index) await this.refresh();
    return this.index?.search(query, k) ?? [];
  }

  health(): SemanticIndexHealth {
    return {
      enabled: this.encoder.ready,
      indexed: this.index?.size() ?? 0,
      index: this.index?.kind ?? 'none',
      checkpoint: this.encoder.checkpoint,
    };
  }

  private async rebuild(force: boolean): Promise<void> {
    const dimensions = this.encoder.checkpoint?.dimensions;
    if (!dimensions) return;
    const version = await this.features.featuresVersion();
    if (!force && this.index && version === this.version) return;
    const started = Date.now();
    const rows = (await this.features.all()).filter((f) => f.image);
    const index: VectorIndex =
      this.config.env.RECOMMENDER_VECTOR_INDEX === 'hnsw'
        ? new HnswVectorIndex(dimensions)
        : new ExactVectorIndex(dimensions, Math.max(1, rows.length));
    const embeddings = this.encoder.encodeImages(rows.map(towerInput));
    rows.forEach((f, i) => index.upsert(f.itemId, embeddings[i]));
    this.index = index;
    this.version = version;
    this.logger.log(`semantic index rebuilt: ${index.size()} items (${index.kind}), ${Date.now() - started} ms`);
  }
}

/** The image tower's inputs of an item: thumbnail features when the photo was larger than the towers' photo box. */
function towerInput(f: ItemFeatures): { image: Float32Array | null; colour: Float32Array | null } {
  return { image: f.towerImage ?? f.image, colour: f.colour };
}
