import { Module } from '@nestjs/common';
import { PreferencesModule } from '../preferences/preferences.module';
import { JudgeBackends } from '../scoring/judge-backends';
import { ImagesGeneratedHandler } from './images-generated.handler';
import { PredictionsRepository } from './predictions.repository';

@Module({
  imports: [PreferencesModule],
  controllers: [ImagesGeneratedHandler],
  providers: [PredictionsRepository, JudgeBackends],
})
export class PredictionsModule {}
