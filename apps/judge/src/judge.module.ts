import { Module } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { StorageModule } from '@atelier/storage';
import { JUDGE_MIGRATIONS } from './migrations';
import { PredictionsModule } from './predictions/predictions.module';
import { UserErasureModule } from './user-erasure/user-erasure.module';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'judge', migrations: JUDGE_MIGRATIONS }),
    StorageModule.forService(),
    PredictionsModule,
    UserErasureModule,
  ],
  controllers: SERVICE_CONTROLLERS,
})
export class JudgeModule {}
