import { Module } from '@nestjs/common';
import { RecommenderModule } from '../recommender/recommender.module';
import { ProductPhotos } from './product-photos.service';

/** Catalogue items as creative subjects: ownership checked, photo stored for the generator. */
@Module({
  imports: [RecommenderModule],
  providers: [ProductPhotos],
  exports: [ProductPhotos],
})
export class ProductPhotosModule {}
