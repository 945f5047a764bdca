import { Module } from '@nestjs/common';
import { CatalogManageController } from '../shop-catalogue/catalog-manage.controller';
import { ImportJobs } from '../shop-catalogue/import-jobs';
import { ItemPhotos } from '../shop-catalogue/item-photos';
import { CatalogController } from './catalog.controller';
import { CatalogWriter } from './catalog-writer';
import { ItemRepository } from './item.repository';

@Module({
  controllers: [CatalogController, CatalogManageController],
  providers: [ItemRepository, CatalogWriter, ItemPhotos, ImportJobs],
  exports: [ItemRepository],
})
export class CatalogModule {}
