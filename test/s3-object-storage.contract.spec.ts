import { randomBytes } from 'node:crypto';
import { InvalidStorageKeyError, S3ObjectStorage } from '@atelier/storage';
import { startFakeS3Server, type FakeS3Server } from './support/fake-s3-server';

/** The S3 adapter against a local server that speaks path-style S3 and checks signatures and Content-MD5. */
describe('S3ObjectStorage contract', () => {
  let s3: FakeS3Server;
  const credentials = { accessKeyId: 'AKIATESTATELIER', secretAccessKey: 'test-secret-key' };
  const storages: S3ObjectStorage[] = [];
  const storage = (over: Partial<ConstructorParameters<typeof S3ObjectStorage>[0]> = {}): S3ObjectStorage => {
    const s = new S3ObjectStorage({
      bucket: 'atelier-images',
      region: 'eu-central-1',
      endpoint: s3.url,
      forcePathStyle: true,
      ...credentials,
      ...over,
    });
    storages.push(s);
    return s;
  };

  beforeAll(async () => {
    s3 = await startFakeS3Server({ buckets: ['atelier-images'], ...credentials });
  });
  afterAll(async () => {
    for (const s of storages) s.destroy();
    await s3.close();
  });

  it('puts and gets binary objects byte for byte under path-style keys, signed', async () => {
    const bytes = randomBytes(70_000);
    const key = 'images/ab/ab12cd.png';
    await storage().put(key, bytes);
    expect(s3.objects.get('atelier-images')?.get(key)?.equals(bytes)).toBe(true);
    expect(s3.requests.at(-1)).toMatchObject({ method: 'PUT', status: 200 });
    expect(s3.requests.at(-1)?.path.split('?')[0]).toBe(`/atelier-images/${key}`);
    const back = await storage().get(key);
    expect(back?.equals(bytes)).toBe(true);
  });

  it('overwrites the same key idempotently (content-addressed retries)', async () => {
    const bytes = Buffer.from('same bytes');
    await storage().put('images/00/same.png', bytes);
    await storage().put('images/00/same.png', bytes);
    expect((await storage().get('images/00/same.png'))?.toString()).toBe('same bytes');
  });

  it('answers undefined for a missing key', async () => {
    expect(await storage().get('images/ff/missing.png')).toBeUndefined();
  });

  it('fails loudly on wrong credentials or a missing bucket', async () => {
    await expect(storage({ secretAccessKey: 'wrong' }).put('images/aa/x.png', Buffer.from('x'))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await expect(storage({ bucket: 'nope-bucket' }).get('images/aa/x.png')).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('rejects unsafe keys before any request', async () => {
    const before = s3.requests.length;
    await expect(storage().put('../etc/passwd', Buffer.from('x'))).rejects.toThrow(InvalidStorageKeyError);
    await expect(storage().get('images/../../x')).rejects.toThrow(InvalidStorageKeyError);
    expect(s3.requests.length).toBe(before);
  });
});
