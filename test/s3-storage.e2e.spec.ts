import { readdirSync } from 'node:fs';
import { startFakeS3Server, type FakeS3Server } from './support/fake-s3-server';
import { TestMesh } from './support/test-mesh';

/** The whole saga with images in an S3-compatible bucket instead of a folder, and the NSFW check on. */
describe('generation saga on S3 storage with the NSFW check', () => {
  let s3: FakeS3Server;
  let mesh: TestMesh;
  const credentials = { accessKeyId: 'AKIAMESHTEST', secretAccessKey: 'mesh-secret' };

  beforeAll(async () => {
    s3 = await startFakeS3Server({ buckets: ['mesh-images'], ...credentials });
    mesh = new TestMesh({
      env: {
        STORAGE_BACKEND: 's3',
        S3_ENDPOINT: s3.url,
        S3_BUCKET: 'mesh-images',
        S3_REGION: 'eu-central-1',
        S3_ACCESS_KEY_ID: credentials.accessKeyId,
        S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
      serviceEnv: { generator: { GENERATOR_NSFW_CHECK: 'true' } },
      services: ['gateway', 'billing', 'enhancer', 'generator', 'judge'],
    });
    await mesh.start();
  }, 120000);

  afterAll(async () => {
    await mesh.stop();
    await s3.close();
  }, 60000);

  it('stores content-addressed PNGs in the bucket, judges them from there and serves them to their owner only', async () => {
    const user = mesh.newUser();
    const { body } = await mesh.client.submit(user, {
      prompt: 'blue sea poster',
      n: 2,
      width: 256,
      height: 256,
      seed: 3,
    });
    // The first check loads the classifier (seconds).
    const done = await mesh.client.waitForTerminal(user, body.id ?? '', 90000);
    expect(done.status).toBe('completed');
    expect(done.images).toHaveLength(2);
    const bucket = s3.objects.get('mesh-images');
    const rows = await mesh.query<{
      storage_key: string;
      sha256: string;
      nsfw_flagged: boolean | null;
      nsfw_scores: Record<string, number | string> | null;
    }>('SELECT storage_key, sha256, nsfw_flagged, nsfw_scores FROM generator.images WHERE generation_id = $1', [
      done.id,
    ]);
    for (const row of rows) {
      expect(row.storage_key).toBe(`images/${done.id}/${row.sha256}.png`);
      expect(bucket?.has(row.storage_key)).toBe(true);
      // Checked and marked, not dropped.
      expect(row.nsfw_flagged).toBe(false);
      expect(row.nsfw_scores).toMatchObject({ model: 'nsfwjs/MobileNetV2' });
      expect(typeof row.nsfw_scores?.neutral).toBe('number');
    }
    const img = await mesh.client.image(user, done.id, 1);
    expect(img.status).toBe(200);
    const key = rows.find((r) => bucket?.get(r.storage_key)?.equals(img.bytes));
    expect(key).toBeDefined();
    expect((await mesh.client.image(mesh.newUser(), done.id, 1)).status).toBe(404);
    // Nothing went to the filesystem.
    expect(readdirSync(mesh.storageDir)).toEqual([]);
  });
});
