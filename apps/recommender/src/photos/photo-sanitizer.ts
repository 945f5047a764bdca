import sharp from 'sharp';

export const PHOTO_FORMATS = ['jpeg', 'png', 'webp'] as const;
export type PhotoFormat = (typeof PHOTO_FORMATS)[number];

export class PhotoRejected extends Error {
  constructor(
    readonly status: 413 | 415 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PhotoRejected';
  }
}

export interface SanitizedPhoto {
  bytes: Buffer;
  format: PhotoFormat;
  width: number;
  height: number;
}

/**
 * Checks an upload and re-encodes it without metadata: size limit, a real JPEG/PNG/WebP (by content, not by the
 * declared type), the pixel count from the header before any decoding (decompression bombs), a full decode that
 * fails on truncated data, then orientation applied and EXIF/XMP/ICC dropped by re-encoding.
 */
export async function sanitizePhoto(
  input: Buffer,
  limits: { maxBytes: number; maxPixels: number },
): Promise<SanitizedPhoto> {
  if (input.length === 0) throw new PhotoRejected(422, 'invalid_image', 'empty upload');
  if (input.length > limits.maxBytes) {
    throw new PhotoRejected(413, 'payload_too_large', `photo larger than ${limits.maxBytes} bytes`);
  }
  const meta = await sharp(input, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (!meta?.format || !meta.width || !meta.height) {
    // Starts like one of ours but has no readable header: truncated or corrupt, not a different type.
    if (sniffFormat(input)) throw new PhotoRejected(422, 'invalid_image', 'the image is truncated or corrupt');
    throw new PhotoRejected(415, 'unsupported_media_type', 'not a JPEG, PNG or WebP image');
  }
  if (!(PHOTO_FORMATS as readonly string[]).includes(meta.format)) {
    throw new PhotoRejected(415, 'unsupported_media_type', `${meta.format} is not accepted (JPEG, PNG or WebP)`);
  }
  if (meta.width * meta.height > limits.maxPixels) {
    throw new PhotoRejected(
      422,
      'image_too_large',
      `${meta.width}×${meta.height} exceeds the limit of ${limits.maxPixels} pixels`,
    );
  }
  const format = meta.format as PhotoFormat;
  try {
    const pipeline = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'truncated' }).rotate();
    const encoded =
      format === 'png'
        ? pipeline.png({ compressionLevel: 8 })
        : format === 'webp'
          ? pipeline.webp({ quality: 90 })
          : pipeline.jpeg({ quality: 90, mozjpeg: true });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: data, format, width: info.width, height: info.height };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PhotoRejected(422, 'invalid_image', `the image cannot be decoded: ${message.slice(0, 200)}`);
  }
}

/** The format named by the file's magic bytes, if it is one we accept. */
export function sniffFormat(b: Buffer): PhotoFormat | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}
