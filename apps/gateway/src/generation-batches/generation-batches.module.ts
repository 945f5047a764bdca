import { Module } from '@nestjs/common';
import { AccountModule } from '../account/account.module';
import { GenerationsModule } from '../generations/generations.module';
import { ProductPhotosModule } from '../product-photos/product-photos.module';
import { GenerationBatchesController } from './generation-batches.controller';
import { GenerationBatches } from './generation-batches.service';

@Module({
  imports: [GenerationsModule, ProductPhotosModule, AccountModule],
  controllers: [GenerationBatchesController],
  providers: [GenerationBatches],
  exports: [GenerationBatches],
})
export class GenerationBatchesModule {}
