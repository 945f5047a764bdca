import { Module } from '@nestjs/common';
import { CatalogApiController, PhotosApiController, RecommendationsApiController } from './recommender-api.controller';
import { ProfilesApiController } from './profiles-api.controller';
import { RecommenderClient } from './recommender-client';
import { RecommenderRelay } from './recommender-relay';

/** The recommender's API (catalogue, recommendations, photos, visual search) behind the gateway's accounts. */
@Module({
  controllers: [CatalogApiController, RecommendationsApiController, PhotosApiController, ProfilesApiController],
  providers: [RecommenderClient, RecommenderRelay],
  exports: [RecommenderClient],
})
export class RecommenderModule {}
