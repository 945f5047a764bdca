import { Module } from '@nestjs/common';
import { ContrastiveEncoder } from '../contrastive/contrastive-encoder';
import { ItemFeatureExtractor } from './item-feature-extractor';
import { ItemFeaturesRepository } from './item-features.repository';

@Module({
  providers: [ItemFeatureExtractor, ItemFeaturesRepository, ContrastiveEncoder],
  exports: [ItemFeatureExtractor, ItemFeaturesRepository, ContrastiveEncoder],
})
export class FeaturesModule {}
