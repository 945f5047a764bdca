import { Module } from '@nestjs/common';
import { EnhancementBackends } from '../backends/enhancement-backends';
import { BrandProfilesModule } from '../brand-profiles/brand-profiles.module';
import { FeedbackSubmittedHandler } from '../policy/feedback-submitted.handler';
import { PolicyStatsRepository } from '../policy/policy-stats.repository';
import { PromptPolicy } from '../policy/prompt-policy';
import { EnhancementRepository } from './enhancement.repository';
import { PreviewPromptHandler } from './preview-prompt.handler';
import { PromptEnhancer } from './prompt-enhancer.service';
import { QuotaReservedHandler } from './quota-reserved.handler';

@Module({
  imports: [BrandProfilesModule],
  controllers: [QuotaReservedHandler, FeedbackSubmittedHandler, PreviewPromptHandler],
  providers: [
    PromptEnhancer,
    EnhancementRepository,
    EnhancementBackends,
    PolicyStatsRepository,
    { provide: PromptPolicy, useFactory: (): PromptPolicy => new PromptPolicy() },
  ],
})
export class EnhancementModule {}
