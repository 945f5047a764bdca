import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FeaturesModule } from '../features/features.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { ItemIndexModule } from '../item-index/item-index.module';
import { StudioFeedbackModule } from '../studio-feedback/studio-feedback.module';
import { StyleProfilesModule } from '../style-profiles/style-profiles.module';
import { SearchModule } from '../search/search.module';
import { ItemUpsertedHandler } from './item-upserted.handler';
import { RecommendationEngine } from './recommendation-engine';
import { RecommendationRequestedHandler } from './recommendation-requested.handler';
import { RecommendationTaskRepository } from './recommendation-task.repository';
import { RecommendationsController } from './recommendations.controller';

@Module({
  imports: [
    CatalogModule,
    FeaturesModule,
    InteractionsModule,
    ItemIndexModule,
    SearchModule,
    StudioFeedbackModule,
    StyleProfilesModule,
  ],
  controllers: [RecommendationsController, RecommendationRequestedHandler, ItemUpsertedHandler],
  providers: [RecommendationEngine, RecommendationTaskRepository],
})
export class RecommendationsModule {}
