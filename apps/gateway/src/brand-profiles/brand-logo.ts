import sharp from 'sharp';

/** Logo limits: the upload's bytes and its pixel size (the text layer's logo slot is at most ~250 px anyway). */
export const LOGO_MAX_BYTES = 1024 * 1024;
export const LOGO_MAX_SIDE = 1024;
const LOGO_MIN_SIDE = 16;
/** Raster formats only: an SVG may reference external files or carry script, and would be rendered server-side. */
const LOGO_FORMATS = new Set(['png', 'jpeg', 'webp']);

export class LogoRejected extends Error {
  constructor(
    readonly code: 'logo_too_large' | 'logo_not_image' | 'logo_dimensions',
    readonly status: 413 | 415 | 422,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks an uploaded logo and re-encodes it as a plain PNG (metadata dropped, EXIF orientation applied, first frame
 * only). Refuses more than 1 MiB, anything but PNG/JPEG/WebP, and sides over 1024 px or under 16 px.
 */
export async function reencodeLogo(bytes: Buffer): Promise<{ png: Buffer; width: number; height: number }> {
  if (bytes.length > LOGO_MAX_BYTES) {
    throw new LogoRejected('logo_too_large', 413, `the logo must be at most ${LOGO_MAX_BYTES} bytes`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: LOGO_MAX_SIDE * LOGO_MAX_SIDE * 4 }).metadata();
  } catch {
    throw new LogoRejected('logo_not_image', 415, 'the logo must be a PNG, JPEG or WebP image');
  }
  if (!meta.format || !LOGO_FORMATS.has(meta.format)) {
    throw new LogoRejected('logo_not_image', 415, 'the logo must be a PNG, JPEG or WebP image');
  }
  const w = meta.autoOrient?.width ?? meta.width ?? 0;
  const h = meta.autoOrient?.height ?? meta.height ?? 0;
  if (w > LOGO_MAX_SIDE || h > LOGO_MAX_SIDE || w < LOGO_MIN_SIDE || h < LOGO_MIN_SIDE) {
    throw new LogoRejected(
      'logo_dimensions',
      422,
      `the logo must be ${LOGO_MIN_SIDE}–${LOGO_MAX_SIDE} px on each side (it is ${w}×${h})`,
    );
  }
  try {
    const out = await sharp(bytes, { limitInputPixels: LOGO_MAX_SIDE * LOGO_MAX_SIDE * 4, failOn: 'error' })
      .rotate()
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return { png: out.data, width: out.info.width, height: out.info.height };
  } catch {
    throw new LogoRejected('logo_not_image', 415, 'the logo could not be decoded');
  }
}
