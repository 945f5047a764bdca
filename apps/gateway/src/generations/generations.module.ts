import { Module } from '@nestjs/common';
import { BrandProfilesModule } from '../brand-profiles/brand-profiles.module';
import { AdminGenerationsController } from './admin-generations.controller';
import { GenerationCancellations } from './generation-cancellations.service';
import { GenerationEventStream } from './generation-event-stream';
import { GenerationFeedback } from './generation-feedback.service';
import { GENERATION_PROGRESS_HANDLERS } from './generation-progress.handlers';
import { GenerationReadModelRepository } from './generation-read-model.repository';
import { GenerationRequests } from './generation-requests.service';
import { CreativeBriefs } from './creative-briefs.service';
import { GenerationStepsFeed } from './generation-steps-feed';
import { GenerationsController } from './generations.controller';
import { SagaMetricsProbe } from './saga-metrics.probe';

@Module({
  imports: [BrandProfilesModule],
  controllers: [GenerationsController, AdminGenerationsController, ...GENERATION_PROGRESS_HANDLERS],
  providers: [
    GenerationReadModelRepository,
    GenerationRequests,
    GenerationCancellations,
    CreativeBriefs,
    GenerationFeedback,
    GenerationStepsFeed,
    GenerationEventStream,
    SagaMetricsProbe,
  ],
  exports: [GenerationReadModelRepository, GenerationRequests, GenerationFeedback, GenerationCancellations],
})
export class GenerationsModule {}
