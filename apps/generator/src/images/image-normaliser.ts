import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError } from '@atelier/messaging';
import type { BackendImageData } from '../backends/image-backend';

export interface NormalisedImage {
  png: Buffer;
  width: number;
  height: number;
  sha256: string;
}

export interface NormaliseLimits {
  /** Encoded answers larger than this are refused before decoding. */
  maxInputBytes: number;
  /** Decoded pixel count above this is refused (decompression bombs, absurd sizes). */
  maxInputPixels: number;
}

// Settings of every PNG we store: fixed, so identical pixels always give identical bytes (and keys).
const PNG_OPTIONS = { compressionLevel: 6, adaptiveFiltering: false } as const;

/**
 * Turns whatever a backend produced into the one format we store: 8-bit sRGB PNG, no alpha (flattened on white),
 * EXIF orientation applied, every metadata chunk stripped, size equal to what was asked for. Anything that is not
 * an image, is empty, absurdly large or the wrong size is a fatal error naming the reason: retrying the same
 * request would not change the answer's nature.
 */
export async function normaliseImage(
  data: BackendImageData,
  expected: { width: number; height: number },
  limits: NormaliseLimits,
): Promise<NormalisedImage> {
  let pipeline: sharp.Sharp;
  if (data.kind === 'raw') {
    if (data.pixels.length !== data.width * data.height * data.channels || data.pixels.length === 0) {
      throw new FatalError('backend produced a raw buffer that does not match its size', 'backend_bad_image');
    }
    const raw = Buffer.from(data.pixels.buffer, data.pixels.byteOffset, data.pixels.byteLength);
    pipeline = sharp(raw, { raw: { width: data.width, height: data.height, channels: data.channels } });
    if (data.channels === 4) pipeline = pipeline.flatten({ background: '#ffffff' });
  } else {
    const bytes = data.bytes;
    if (bytes.length === 0) throw new FatalError('backend answered an empty image', 'backend_empty_image');
    if (bytes.length > limits.maxInputBytes) {
      throw new FatalError(
        `backend image of ${bytes.length} bytes exceeds ${limits.maxInputBytes}`,
        'backend_image_too_large',
      );
    }
    let meta: sharp.Metadata;
    try {
      // Header only: reading metadata does not decode pixels, so no pixel limit is needed yet.
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (err) {
      throw new FatalError(`backend answer is not an image: ${(err as Error).message}`, 'backend_not_an_image', {
        cause: err,
      });
    }
    if ((meta.width ?? 0) * (meta.height ?? 0) > limits.maxInputPixels) {
      throw new FatalError(
        `backend image of ${meta.width}x${meta.height} exceeds ${limits.maxInputPixels} pixels`,
        'backend_image_too_large',
      );
    }
    // Multi-page inputs (GIF, TIFF) keep their first page only.
    pipeline = sharp(bytes, { limitInputPixels: limits.maxInputPixels, pages: 1 })
      .rotate()
      .flatten({ background: '#ffffff' });
  }
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await pipeline.toColourspace('srgb').png(PNG_OPTIONS).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new FatalError(`backend image could not be decoded: ${(err as Error).message}`, 'backend_not_an_image', {
      cause: err,
    });
  }
  const { width, height } = out.info;
  if (width !== expected.width || height !== expected.height) {
    throw new FatalError(
      `backend image is ${width}x${height}, asked for ${expected.width}x${expected.height}`,
      'backend_wrong_size',
    );
  }
  return { png: out.data, width, height, sha256: createHash('sha256').update(out.data).digest('hex') };
}

@Injectable()
export class ImageNormaliser {
  private readonly limits: NormaliseLimits;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig<'generator'>) {
    this.limits = {
      maxInputBytes: config.env.GENERATOR_MAX_IMAGE_BYTES,
      maxInputPixels: config.env.GENERATOR_MAX_IMAGE_PIXELS,
    };
  }

  normalise(data: BackendImageData, expected: { width: number; height: number }): Promise<NormalisedImage> {
    return normaliseImage(data, expected, this.limits);
  }
}
