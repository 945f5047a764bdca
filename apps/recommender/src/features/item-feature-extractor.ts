import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ObjectStorage } from '@atelier/storage';
import { toPhotoBox } from '../contrastive/contrastive-checkpoint';
import { imageColourFeatures, namedColourFeatures } from './colour-features';
import { IMAGE_MODEL, ImageEmbedder } from '@atelier/ml-runtime';
import type { ItemFeatures } from './item-features.repository';
import { itemTokens, type TextSource } from './text-vectorizer';

/**
 * Computes an item's stored representations: text tokens, colour histogram, CNN image features (of the photo and,
 * when it is larger, of its thumbnail in the contrastive towers' photo box).
 */
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
    let towerImage: Float32Array | null = null;
    if (bytes) {
      colour = await imageColourFeatures(bytes);
      if (this.config.env.RECOMMENDER_IMAGE_FEATURES === 'mobilenet') {
        const embedder = await ImageEmbedder.load();
        // Larger photos also get features of their thumbnail in the contrastive towers' photo box.
        const thumbnail = await toPhotoBox(bytes);
        [image, towerImage = null] = await embedder.embed(thumbnail ? [bytes, thumbnail] : [bytes]);
      }
    }
    return {
      itemId: item.id,
      tokens: itemTokens(item),
      colour,
      image,
      imageModel: image ? IMAGE_MODEL : null,
      towerImage,
    };
  }
}
