import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { InvalidStorageKeyError, ObjectStorage } from './object-storage';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** e.g. http://127.0.0.1:9000 for MinIO, https://<account>.r2.cloudflarestorage.com for R2; empty for AWS. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** MinIO and most self-hosted servers need path-style URLs (endpoint/bucket/key). */
  forcePathStyle: boolean;
}

const KEY = /^[a-zA-Z0-9_-]+(?:\/[a-zA-Z0-9_.-]+)*$/;

/**
 * Any S3-compatible object store. Keys are the same as the filesystem adapter's (validated the same way);
 * callers make them content-addressed, so a retried put rewrites identical bytes. Each put sends Content-MD5,
 * so the server rejects a body damaged on the way.
 */
export class S3ObjectStorage extends ObjectStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    super();
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // Only checksums the operation requires: MinIO/R2 versions without the newer CRC trailers stay compatible.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  private check(key: string): string {
    if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
      throw new InvalidStorageKeyError(`invalid storage key: ${key}`);
    }
    return key;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.check(key),
        Body: bytes,
        ContentLength: bytes.length,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
        ContentType: key.endsWith('.png') ? 'image/png' : 'application/octet-stream',
      }),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.check(key) }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      // Only a missing key reads as absent; a missing bucket is a configuration error and must surface.
      if (err instanceof S3ServiceException && err.name === 'NoSuchKey') {
        return undefined;
      }
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers a delete of a missing key with success too.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.check(key) }));
  }

  destroy(): void {
    this.client.destroy();
  }
}
