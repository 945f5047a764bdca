import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { InteractionRepository } from './interaction.repository';
import { InteractionsController } from './interactions.controller';

@Module({
  imports: [CatalogModule],
  controllers: [InteractionsController],
  providers: [InteractionRepository],
  exports: [InteractionRepository],
})
export class InteractionsModule {}
