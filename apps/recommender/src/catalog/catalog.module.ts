import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller';
import { CatalogWriter } from './catalog-writer';
import { ItemRepository } from './item.repository';

@Module({
  controllers: [CatalogController],
  providers: [ItemRepository, CatalogWriter],
  exports: [ItemRepository],
})
export class CatalogModule {}
