import sharp from 'sharp';
import { FatalError } from '@atelier/messaging';
import { normaliseImage } from './image-normaliser';

const limits = { maxInputBytes: 1 << 20, maxInputPixels: 1024 * 1024 };
const size = { width: 64, height: 48 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FatalError);
    return (err as FatalError).code;
  }
  throw new Error('expected a fatal error');
}

describe('normaliseImage', () => {
  it('turns a JPEG with EXIF and an ICC profile into a plain sRGB PNG without metadata', async () => {
    const jpeg = await sharp({ create: { ...size, channels: 3, background: '#3080c0' } })
      .jpeg()
      .withIccProfile('p3')
      .withMetadata({ exif: { IFD0: { Copyright: 'someone' } } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).icc).toBeDefined();
    const out = await normaliseImage({ kind: 'encoded', bytes: jpeg }, size, limits);
    const meta = await sharp(out.png).metadata();
    expect([meta.format, meta.space, meta.channels, meta.depth]).toEqual(['png', 'srgb', 3, 'uchar']);
    expect([meta.exif, meta.icc, meta.xmp]).toEqual([undefined, undefined, undefined]);
    expect([out.width, out.height]).toEqual([64, 48]);
  });

  it('flattens alpha onto white and reduces 16-bit to 8-bit', async () => {
    const rgba16 = await sharp({ create: { ...size, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const out = await normaliseImage({ kind: 'encoded', bytes: rgba16 }, size, limits);
    const { data, info } = await sharp(out.png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect([...data.subarray(0, 3)]).toEqual([255, 255, 255]);
  });

  it('is deterministic: same pixels, same bytes and checksum', async () => {
    const pixels = new Uint8Array(64 * 48 * 3).map((_, i) => (i * 7) % 256);
    const a = await normaliseImage({ kind: 'raw', pixels, ...size, channels: 3 }, size, limits);
    const b = await normaliseImage({ kind: 'raw', pixels, ...size, channels: 3 }, size, limits);
    expect(a.png.equals(b.png)).toBe(true);
    expect(a.sha256).toBe(b.sha256);
  });

  it('rejects empty, non-image, oversized, too many pixels and wrong-size outputs with a reason', async () => {
    expect(await codeOf(normaliseImage({ kind: 'encoded', bytes: Buffer.alloc(0) }, size, limits))).toBe(
      'backend_empty_image',
    );
    expect(
      await codeOf(normaliseImage({ kind: 'encoded', bytes: Buffer.from('<html>oops</html>') }, size, limits)),
    ).toBe('backend_not_an_image');
    expect(await codeOf(normaliseImage({ kind: 'encoded', bytes: Buffer.alloc(2 << 20, 1) }, size, limits))).toBe(
      'backend_image_too_large',
    );
    const huge = await sharp({ create: { width: 2048, height: 1024, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await codeOf(normaliseImage({ kind: 'encoded', bytes: huge }, size, limits))).toBe(
      'backend_image_too_large',
    );
    const other = await sharp({ create: { width: 48, height: 64, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await codeOf(normaliseImage({ kind: 'encoded', bytes: other }, size, limits))).toBe('backend_wrong_size');
    const truncated = (
      await sharp({ create: { ...size, channels: 3, background: '#123' } })
        .png()
        .toBuffer()
    ).subarray(0, 40);
    expect(await codeOf(normaliseImage({ kind: 'encoded', bytes: truncated }, size, limits))).toBe(
      'backend_not_an_image',
    );
    expect(
      await codeOf(normaliseImage({ kind: 'raw', pixels: new Uint8Array(10), ...size, channels: 3 }, size, limits)),
    ).toBe('backend_bad_image');
  });
});
