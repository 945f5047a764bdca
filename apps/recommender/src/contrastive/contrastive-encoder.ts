import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { stemTokens } from '../features/text-vectorizer';
import { imageTowerInput, loadContrastiveCheckpoint, type LoadedContrastive } from './contrastive-checkpoint';

/**
 * The trained contrastive towers, loaded from RECOMMENDER_MODELS_DIR at start when a checkpoint exists
 * (`npm run train:contrastive`). Without one, `ready` is false and callers fall back to their raw features.
 */
@Injectable()
export class ContrastiveEncoder implements OnModuleInit {
  private readonly logger = new Logger('ContrastiveEncoder');
  private loaded?: LoadedContrastive;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>) {}

  async onModuleInit(): Promise<void> {
    const dir = this.config.env.RECOMMENDER_MODELS_DIR;
    try {
      this.loaded = await loadContrastiveCheckpoint(dir);
      if (this.loaded) this.logger.log(`contrastive checkpoint ${this.loaded.file} (${this.loaded.trainedAt})`);
      else this.logger.log(`no contrastive checkpoint in ${dir}; text search uses full-text matching only`);
    } catch (err) {
      // A bad checkpoint must not keep the service down: it runs as if none was trained.
      this.logger.error(`contrastive checkpoint in ${dir} not loaded: ${(err as Error).message}`);
    }
  }

  get ready(): boolean {
    return this.loaded !== undefined;
  }

  /** Unit-length joint-space embedding of a free-text query, or undefined without a checkpoint. */
  encodeText(query: string): Float32Array | undefined {
    if (!this.loaded) return undefined;
    return this.loaded.model.text.embed([this.loaded.bm25.vector(stemTokens(query))])[0];
  }

  /** Joint-space embeddings of items' image features (MobileNetV2 + colour; missing blocks are zeros). */
  encodeImages(items: ReadonlyArray<{ image: Float32Array | null; colour: Float32Array | null }>): Float32Array[] {
    if (!this.loaded) return [];
    return this.loaded.model.image.embed(items.map((i) => imageTowerInput(i.image, i.colour)));
  }
}
