import { Module } from '@nestjs/common';
import { FeedbackSubmittedHandler } from './feedback-submitted.handler';
import { JudgePreferences } from './judge-preferences';
import { PreferencesRepository } from './preferences.repository';

@Module({
  controllers: [FeedbackSubmittedHandler],
  providers: [PreferencesRepository, JudgePreferences],
  exports: [JudgePreferences],
})
export class PreferencesModule {}
