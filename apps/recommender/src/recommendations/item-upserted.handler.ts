import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { ItemRepository } from '../catalog/item.repository';
import { ItemFeatureExtractor } from '../features/item-feature-extractor';
import { ItemFeaturesRepository } from '../features/item-features.repository';
import { SemanticItemIndex } from '../search/semantic-item-index';
import { RecommendationEngine } from './recommendation-engine';

/**
 * Indexes a created or changed item: text tokens, colour and CNN image features are computed once and stored,
 * and the item goes into the vector indexes at once (new items are recommendable by content and findable by
 * semantic search before any rebuild).
 */
@Controller()
export class ItemUpsertedHandler {
  constructor(
    private readonly items: ItemRepository,
    private readonly extractor: ItemFeatureExtractor,
    private readonly features: ItemFeaturesRepository,
    private readonly engine: RecommendationEngine,
    private readonly semanticIndex: SemanticItemIndex,
  ) {}

  @EventPattern<EventType>('catalog.item_upserted')
  async handle(@Payload() event: EventPayload<'catalog.item_upserted'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    // The row, not the event, is the truth: a later upsert may already have changed it.
    const row = await this.items.findById(event.itemId, ctx.manager);
    if (!row) return;
    const features = await this.extractor.extract({
      id: row.id,
      title: row.title,
      description: row.description,
      categoryPath: row.category_path,
      attributes: row.attributes,
      imageKey: row.image_key,
    });
    await this.features.upsert(ctx.manager, features);
    await this.engine.upsertItem(row, features);
    this.semanticIndex.upsert(features);
  }
}
