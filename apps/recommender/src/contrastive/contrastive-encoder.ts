import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { stemTokens } from '../features/text-vectorizer';
import { imageTowerInput, loadContrastiveCheckpoint, type LoadedContrastive } from './contrastive-checkpoint';

/** A query as the text tower reads it. */
export interface EncodedQuery {
  /** Unit-length joint-space embedding, undefined when no word of the query is known to the text tower. */
  embedding?: Float32Array;
  /** Stemmed words the tower was trained on (they make the embedding). */
  terms: string[];
  /** Stemmed words it never saw: left out, because their hashed weights were only ever trained on other words. */
  ignored: string[];
}

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

  /** Which checkpoint is loaded (for health and logs). */
  get checkpoint(): { file: string; trainedAt: string; dimensions: number } | undefined {
    const l = this.loaded;
    return l && { file: l.file, trainedAt: l.trainedAt, dimensions: l.model.image.shape.output };
  }

  /** The learned softmax temperature of the InfoNCE logits (CLIP-style: logits = cosine / temperature). */
  get temperature(): number | undefined {
    return this.loaded?.model.temperature;
  }

  /** The query's joint-space embedding from the words the text tower knows; undefined without a checkpoint. */
  encodeQuery(query: string): EncodedQuery | undefined {
    return this.encodeStems(stemTokens(query));
  }

  /** As encodeQuery, for words already stemmed (`stemTokens`). */
  encodeStems(stems: readonly string[]): EncodedQuery | undefined {
    if (!this.loaded) return undefined;
    const { bm25, model } = this.loaded;
    const terms = stems.filter((t) => bm25.has(t));
    const ignored = [...new Set(stems.filter((t) => !bm25.has(t)))];
    if (terms.length === 0) return { terms, ignored };
    return { embedding: model.text.embed([bm25.vector(terms)])[0], terms, ignored };
  }

  /** Unit-length joint-space embedding of a free-text query (unknown words left out), or undefined. */
  encodeText(query: string): Float32Array | undefined {
    return this.encodeQuery(query)?.embedding;
  }

  /** Joint-space embeddings of items' image features (MobileNetV2 + colour; missing blocks are zeros). */
  encodeImages(items: ReadonlyArray<{ image: Float32Array | null; colour: Float32Array | null }>): Float32Array[] {
    if (!this.loaded) return [];
    return this.loaded.model.image.embed(items.map((i) => imageTowerInput(i.image, i.colour)));
  }
}
