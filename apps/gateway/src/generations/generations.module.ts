import { Module } from '@nestjs/common';
import { GENERATION_PROGRESS_HANDLERS } from './generation-progress.handlers';
import { GenerationReadModelRepository } from './generation-read-model.repository';
import { GenerationRequests } from './generation-requests.service';
import { GenerationsController } from './generations.controller';

@Module({
  controllers: [GenerationsController],
  providers: [GenerationReadModelRepository, GenerationRequests, ...GENERATION_PROGRESS_HANDLERS],
})
export class GenerationsModule {}
