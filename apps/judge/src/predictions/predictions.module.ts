import { Module } from '@nestjs/common';
import { JudgeBackends } from '../scoring/judge-backends';
import { ImagesGeneratedHandler } from './images-generated.handler';
import { PredictionsRepository } from './predictions.repository';

@Module({ providers: [PredictionsRepository, JudgeBackends, ImagesGeneratedHandler] })
export class PredictionsModule {}
