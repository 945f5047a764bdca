import { Module } from '@nestjs/common';
import { ImagesGeneratedHandler } from './images-generated.handler';
import { PredictionsRepository } from './predictions.repository';

@Module({ providers: [PredictionsRepository, ImagesGeneratedHandler] })
export class PredictionsModule {}
