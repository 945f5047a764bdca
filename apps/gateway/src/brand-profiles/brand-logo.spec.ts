import sharp from 'sharp';
import { LOGO_MAX_BYTES, LogoRejected, reencodeLogo } from './brand-logo';

const image = (w: number, h: number, format: 'png' | 'jpeg' | 'webp') =>
  sharp({ create: { width: w, height: h, channels: 3, background: '#1e5a32' } })
    .toFormat(format)
    .toBuffer();

const refusal = async (bytes: Buffer): Promise<string> => {
  try {
    await reencodeLogo(bytes);
    return 'accepted';
  } catch (err) {
    return err instanceof LogoRejected ? `${err.status} ${err.code}` : `other ${String(err)}`;
  }
};

describe('logo upload', () => {
  it('re-encodes PNG, JPEG and WebP to PNG at their own size', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const out = await reencodeLogo(await image(300, 120, format));
      expect([(await sharp(out.png).metadata()).format, out.width, out.height]).toEqual(['png', 300, 120]);
    }
  });

  it('drops metadata (EXIF) on the way', async () => {
    const withExif = await sharp(await image(64, 64, 'jpeg'))
      .withMetadata({ exif: { IFD0: { Copyright: 'secret owner' } } })
      .jpeg()
      .toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    expect((await sharp((await reencodeLogo(withExif)).png).metadata()).exif).toBeUndefined();
  });

  it('refuses non-images, SVG, too many bytes and too many pixels', async () => {
    expect(await refusal(Buffer.from('not an image at all'))).toBe('415 logo_not_image');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
    );
    expect(await refusal(svg)).toBe('415 logo_not_image');
    expect(await refusal(Buffer.alloc(LOGO_MAX_BYTES + 1, 1))).toBe('413 logo_too_large');
    expect(await refusal(await image(1025, 200, 'png'))).toBe('422 logo_dimensions');
    expect(await refusal(await image(8, 8, 'png'))).toBe('422 logo_dimensions');
    // A truncated PNG: the header reads, the pixels do not.
    const png = await image(200, 200, 'png');
    expect(await refusal(png.subarray(0, Math.floor(png.length / 2)))).toBe('415 logo_not_image');
  });
});
