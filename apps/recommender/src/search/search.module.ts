import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { FeaturesModule } from '../features/features.module';
import { CatalogBrowseService } from './catalog-browse';
import { CatalogSearchService } from './catalog-search.service';
import { QueryLanguageTranslator } from './russian-query';
import { SearchController } from './search.controller';
import { SemanticItemIndex } from './semantic-item-index';

/** Catalogue search: lexical (PostgreSQL), semantic (contrastive towers over item photos) and their fusion. */
@Module({
  imports: [CatalogModule, FeaturesModule],
  controllers: [SearchController],
  providers: [
    CatalogSearchService,
    CatalogBrowseService,
    SemanticItemIndex,
    // OpenCorpora morphology loads once (~1 s) before the first query.
    { provide: QueryLanguageTranslator, useFactory: () => QueryLanguageTranslator.load() },
  ],
  exports: [SemanticItemIndex],
})
export class SearchModule {}
