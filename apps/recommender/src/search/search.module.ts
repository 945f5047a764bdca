import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FeaturesModule } from '../features/features.module';
import { CatalogSearchService } from './catalog-search.service';
import { SearchController } from './search.controller';
import { SemanticItemIndex } from './semantic-item-index';

/** Catalogue search: lexical (PostgreSQL), semantic (contrastive towers over item photos) and their fusion. */
@Module({
  imports: [CatalogModule, FeaturesModule],
  controllers: [SearchController],
  providers: [CatalogSearchService, SemanticItemIndex],
  exports: [SemanticItemIndex],
})
export class SearchModule {}
