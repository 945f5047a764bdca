import { Module } from '@nestjs/common';
import { FeedbackSubmittedHandler } from './feedback-submitted.handler';
import { StudioFeedbackRepository } from './studio-feedback.repository';

/** The studio's verdicts on generated images, consumed from feedback.submitted. */
@Module({
  providers: [StudioFeedbackRepository, FeedbackSubmittedHandler],
  exports: [StudioFeedbackRepository],
})
export class StudioFeedbackModule {}
