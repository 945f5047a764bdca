export { ObjectStorage, FilesystemObjectStorage, InvalidStorageKeyError } from './object-storage';
export { StorageModule } from './storage.module';
