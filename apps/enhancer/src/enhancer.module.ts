import { Module } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { EnhancementModule } from './enhancement/enhancement.module';
import { ENHANCER_MIGRATIONS } from './migrations';
import { TranslationModule } from './translation/translation.module';
import { UserErasureModule } from './user-erasure/user-erasure.module';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'enhancer', migrations: ENHANCER_MIGRATIONS }),
    TranslationModule,
    EnhancementModule,
    UserErasureModule,
  ],
  controllers: SERVICE_CONTROLLERS,
})
export class EnhancerModule {}
