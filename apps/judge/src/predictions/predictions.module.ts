import { Module } from '@nestjs/common';
import { ClosedGenerationsModule } from '../closed-generations/closed-generations.module';
import { PreferencesModule } from '../preferences/preferences.module';
import { JudgeBackends } from '../scoring/judge-backends';
import { ImagesGeneratedHandler } from './images-generated.handler';
import { PredictionsRepository } from './predictions.repository';

@Module({
  imports: [PreferencesModule, ClosedGenerationsModule],
  controllers: [ImagesGeneratedHandler],
  providers: [PredictionsRepository, JudgeBackends],
})
export class PredictionsModule {}
