import { Module } from '@nestjs/common';
import { ItemIndexService } from './item-index.service';

/** The vector index of item vectors (exact | hnsw | pgvector), one per process. */
@Module({
  providers: [ItemIndexService],
  exports: [ItemIndexService],
})
export class ItemIndexModule {}
