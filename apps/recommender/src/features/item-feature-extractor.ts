import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ObjectStorage } from '@atelier/storage';
import { imageColourFeatures, namedColourFeatures } from './colour-features';
import { IMAGE_MODEL, ImageEmbedder } from './image-embedder';
import type { ItemFeatures } from './item-features.repository';
import { itemTokens, type TextSource } from './text-vectorizer';

/** Computes an item's stored representations: text tokens, colour histogram, CNN image features. */
@Injectable()
export class ItemFeatureExtractor {
  private readonly logger = new Logger('ItemFeatureExtractor');

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly storage: ObjectStorage,
  ) {}

  async extract(item: TextSource & { id: string; imageKey: string | null }): Promise<ItemFeatures> {
    const bytes = item.imageKey ? await this.storage.get(item.imageKey) : undefined;
    if (item.imageKey && !bytes) this.logger.warn(`image ${item.imageKey} of item ${item.id} is missing`);
    let colour = namedColourFeatures(item.attributes) ?? null;
    let image: Float32Array | null = null;
    if (bytes) {
      colour = await imageColourFeatures(bytes);
      if (this.config.env.RECOMMENDER_IMAGE_FEATURES === 'mobilenet') {
        [image] = await (await ImageEmbedder.load()).embed([bytes]);
      }
    }
    return { itemId: item.id, tokens: itemTokens(item), colour, image, imageModel: image ? IMAGE_MODEL : null };
  }
}
