import { Module } from '@nestjs/common';
import { FeedbackSubmittedHandler } from './feedback-submitted.handler';
import { StudioFeedbackRepository } from './studio-feedback.repository';

/** The studio's verdicts on generated images, consumed from feedback.submitted. */
@Module({
  controllers: [FeedbackSubmittedHandler],
  providers: [StudioFeedbackRepository],
  exports: [StudioFeedbackRepository],
})
export class StudioFeedbackModule {}
