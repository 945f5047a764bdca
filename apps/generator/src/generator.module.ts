import { Module } from '@nestjs/common';
import { SERVICE_CONTROLLERS, serviceInfrastructure } from '@atelier/service-kit';
import { StorageModule } from '@atelier/storage';
import { ImagesModule } from './images/images.module';
import { GENERATOR_MIGRATIONS } from './migrations';

@Module({
  imports: [
    ...serviceInfrastructure({ service: 'generator', migrations: GENERATOR_MIGRATIONS }),
    StorageModule.forService(),
    ImagesModule,
  ],
  controllers: SERVICE_CONTROLLERS,
})
export class GeneratorModule {}
