export { ObjectStorage, FilesystemObjectStorage, InvalidStorageKeyError } from './object-storage';
export { S3ObjectStorage, type S3StorageOptions } from './s3-object-storage';
export { StorageModule, objectStorageFromConfig } from './storage.module';
export { generationImageKey, isGenerationImageKey } from './generation-image-keys';
