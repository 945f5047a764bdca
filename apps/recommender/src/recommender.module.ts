import { Module } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { RECOMMENDER_MIGRATIONS } from './migrations';

@Module({
  imports: [...serviceInfrastructure({ service: 'recommender', migrations: RECOMMENDER_MIGRATIONS })],
  controllers: SERVICE_CONTROLLERS,
})
export class RecommenderModule {}
