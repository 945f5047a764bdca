import { Module } from '@nestjs/common';
import { ClosedGenerationsRepository } from './closed-generations.repository';
import { GenerationFailedHandler } from './generation-failed.handler';

@Module({
  controllers: [GenerationFailedHandler],
  providers: [ClosedGenerationsRepository],
  exports: [ClosedGenerationsRepository],
})
export class ClosedGenerationsModule {}
