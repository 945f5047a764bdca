import { Module } from '@nestjs/common';
import { FeedbackSubmittedHandler } from './feedback-submitted.handler';
import { JudgePreferences } from './judge-preferences';
import { PreferencesRepository } from './preferences.repository';

@Module({
  providers: [PreferencesRepository, JudgePreferences, FeedbackSubmittedHandler],
  exports: [JudgePreferences],
})
export class PreferencesModule {}
