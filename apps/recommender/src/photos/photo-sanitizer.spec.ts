import sharp from 'sharp';
import { PhotoRejected, sanitizePhoto } from './photo-sanitizer';

const limits = { maxBytes: 2 * 1024 * 1024, maxPixels: 25_000_000 };

async function rejection(input: Buffer): Promise<PhotoRejected> {
  try {
    await sanitizePhoto(input, limits);
  } catch (err) {
    if (err instanceof PhotoRejected) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('sanitizePhoto', () => {
  it('accepts JPEG, PNG and WebP and strips EXIF (orientation applied)', async () => {
    const base = sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 200, g: 10, b: 10 } } });
    const jpeg = await base
      .clone()
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret', Make: 'TestCam' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(jpeg.includes(Buffer.from('TestCam'))).toBe(true);
    const clean = await sanitizePhoto(jpeg, limits);
    const meta = await sharp(clean.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(clean.bytes.includes(Buffer.from('TestCam'))).toBe(false);
    // Orientation 6 (rotate 90°) is applied to the pixels.
    expect([clean.width, clean.height]).toEqual([20, 40]);
    expect((await sanitizePhoto(await base.clone().png().toBuffer(), limits)).format).toBe('png');
    expect((await sanitizePhoto(await base.clone().webp().toBuffer(), limits)).format).toBe('webp');
  });

  it('rejects non-images, other formats, oversized files, 50-megapixel bombs and truncated files', async () => {
    expect(await rejection(Buffer.from('<html>not an image</html>'))).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
    });
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    expect(await rejection(gif)).toMatchObject({ status: 415 });
    expect(await rejection(Buffer.alloc(limits.maxBytes + 1, 1))).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
    // 50 megapixels of one colour compress to a few kilobytes: the header is read, the pixels never decoded.
    const bomb = await sharp({ create: { width: 10_000, height: 5_000, channels: 3, background: '#fff' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(limits.maxBytes);
    expect(await rejection(bomb)).toMatchObject({ status: 422, code: 'image_too_large' });
    const full = await sharp({
      create: {
        width: 300,
        height: 300,
        channels: 3,
        background: '#888',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    expect(await rejection(full.subarray(0, Math.floor(full.length / 2)))).toMatchObject({
      status: 422,
      code: 'invalid_image',
    });
    // Cut inside the header: still recognisably a JPEG, so 422 rather than "wrong type".
    expect(await rejection(full.subarray(0, 40))).toMatchObject({ status: 422, code: 'invalid_image' });
    expect(await rejection(Buffer.alloc(0))).toMatchObject({ status: 422 });
  });
});
