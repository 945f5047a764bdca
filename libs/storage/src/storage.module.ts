import { type DynamicModule, Global, Module } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FilesystemObjectStorage, ObjectStorage } from './object-storage';

@Global()
@Module({})
export class StorageModule {
  static forService(): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        {
          provide: ObjectStorage,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig<'generator' | 'judge' | 'gateway' | 'recommender'>) =>
            new FilesystemObjectStorage(config.env.STORAGE_DIR),
        },
      ],
      exports: [ObjectStorage],
    };
  }
}
