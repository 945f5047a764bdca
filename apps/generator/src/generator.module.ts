import { Module } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { StorageModule } from '@atelier/storage';
import { ImagesModule } from './images/images.module';
import { GENERATOR_MIGRATIONS } from './migrations';
import { UserErasureModule } from './user-erasure/user-erasure.module';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'generator', migrations: GENERATOR_MIGRATIONS }),
    StorageModule.forService(),
    ImagesModule,
    UserErasureModule,
  ],
  controllers: SERVICE_CONTROLLERS,
})
export class GeneratorModule {}
