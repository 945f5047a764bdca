import { Module } from '@nestjs/common';
import { ItemFeatureExtractor } from './item-feature-extractor';
import { ItemFeaturesRepository } from './item-features.repository';

@Module({
  providers: [ItemFeatureExtractor, ItemFeaturesRepository],
  exports: [ItemFeatureExtractor, ItemFeaturesRepository],
})
export class FeaturesModule {}
