import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Port for image bytes; the database keeps only keys. */
export abstract class ObjectStorage {
  abstract put(key: string, bytes: Buffer): Promise<void>;
  /** Returns undefined when nothing is stored under the key. */
  abstract get(key: string): Promise<Buffer | undefined>;
  /** Removes the object; a missing key is not an error. */
  abstract delete(key: string): Promise<void>;
}

export class InvalidStorageKeyError extends Error {}

const KEY = /^[a-zA-Z0-9_-]+(?:\/[a-zA-Z0-9_.-]+)*$/;

/** Files under one root directory; writes are atomic (temp file + rename), so readers never see half an image. */
export class FilesystemObjectStorage extends ObjectStorage {
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
      throw new InvalidStorageKeyError(`invalid storage key: ${key}`);
    }
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new InvalidStorageKeyError(`invalid storage key: ${key}`);
    return path;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
