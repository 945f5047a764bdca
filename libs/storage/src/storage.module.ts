import { type DynamicModule, Global, Module } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FilesystemObjectStorage, ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3-object-storage';

type StorageConfig = ServiceConfig<'generator' | 'judge' | 'gateway' | 'recommender'>;

/** The adapter the config names: a folder (default) or an S3-compatible bucket. */
export function objectStorageFromConfig({ env }: StorageConfig): ObjectStorage {
  if (env.STORAGE_BACKEND === 's3') {
    return new S3ObjectStorage({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT || undefined,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }
  return new FilesystemObjectStorage(env.STORAGE_DIR);
}

@Global()
@Module({})
export class StorageModule {
  static forService(): DynamicModule {
    return {
      module: StorageModule,
      providers: [{ provide: ObjectStorage, inject: [SERVICE_CONFIG], useFactory: objectStorageFromConfig }],
      exports: [ObjectStorage],
    };
  }
}
