import sharp from 'sharp';

/** What a user may download an image as; PNG is the stored original. */
export const DOWNLOAD_FORMATS = ['png', 'jpg', 'webp'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

export const isDownloadFormat = (v: unknown): v is DownloadFormat =>
  typeof v === 'string' && (DOWNLOAD_FORMATS as readonly string[]).includes(v);

export const CONTENT_TYPES: Record<DownloadFormat, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

/** Largest side of a history thumbnail, and the byte budget it must stay under. */
export const THUMBNAIL_SIZE = 256;
export const THUMBNAIL_MAX_BYTES = 20 * 1024;

/** The stored PNG as the asked format: the original bytes for PNG, re-encoded otherwise (JPEG has no alpha). */
export async function convertImage(png: Buffer, format: DownloadFormat): Promise<Buffer> {
  if (format === 'png') return png;
  const image = sharp(png, { limitInputPixels: 64_000_000 });
  if (format === 'jpg') {
    // libjpeg-turbo defaults: mozjpeg's trellis search costs seconds per megapixel for a few percent of bytes.
    return image.flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer();
  }
  return image.webp({ quality: 90, effort: 2 }).toBuffer();
}

/**
 * A WebP at most THUMBNAIL_SIZE on its longer side, under THUMBNAIL_MAX_BYTES: the quality steps down until it
 * fits (busy pictures need it), and a last resort halves the size.
 */
export async function makeThumbnail(png: Buffer): Promise<Buffer> {
  const resized = await sharp(png, { limitInputPixels: 64_000_000 })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .toBuffer();
  let out = Buffer.alloc(0);
  for (const quality of [72, 55, 40, 25]) {
    out = await sharp(resized).webp({ quality, effort: 4 }).toBuffer();
    if (out.length <= THUMBNAIL_MAX_BYTES) return out;
  }
  return sharp(resized)
    .resize(THUMBNAIL_SIZE / 2, THUMBNAIL_SIZE / 2, { fit: 'inside' })
    .webp({ quality: 40 })
    .toBuffer();
}
