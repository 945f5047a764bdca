import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { composeCreative, layoutLenient, type CreativeRecord, type CreativeSpec } from '@atelier/creative';
import type { ImageRequest } from '../backends/image-backend';
import { briefOf } from './brief-of';
import { placeProduct, type ProductRecord } from './product-layer';

/** How a drawn picture became the delivered size. */
export type FitMode = 'exact' | 'cover' | 'extend';

export interface CreativeImage {
  /** RGB pixels at the delivered size, text layer set. */
  png: Buffer;
  fit: FitMode;
  record: CreativeRecord & { product?: ProductRecord };
  textLayerMs: number;
}

// Beyond this aspect-ratio change a cover crop would cut away too much of the picture: extend it instead.
const MAX_COVER_RATIO = 1.35;

/**
 * Brings any backend's picture to exactly the delivered size and sets the text layer on it: cover-crop when the
 * shapes are close, otherwise the whole picture over a blurred, cover-cropped copy of itself ("extend").
 */
@Injectable()
export class CreativeLayer {
  async toSize(png: Buffer, width: number, height: number): Promise<{ data: Buffer; fit: FitMode }> {
    const meta = await sharp(png).metadata();
    const w = meta.width ?? width;
    const h = meta.height ?? height;
    if (w === width && h === height) {
      return { data: await sharp(png).removeAlpha().raw().toBuffer(), fit: 'exact' };
    }
    const change = Math.max(w / h, width / height) / Math.min(w / h, width / height);
    if (change <= MAX_COVER_RATIO) {
      const data = await sharp(png)
        .resize(width, height, { fit: 'cover', position: 'attention' })
        .removeAlpha()
        .raw()
        .toBuffer();
      return { data, fit: 'cover' };
    }
    const backdrop = await sharp(png)
      .resize(width, height, { fit: 'cover' })
      .blur(Math.max(8, Math.min(width, height) / 30))
      .png()
      .toBuffer();
    const fitted = await sharp(png).resize(width, height, { fit: 'inside' }).png().toBuffer();
    const data = await sharp(backdrop)
      .composite([{ input: fitted, gravity: 'centre' }])
      .removeAlpha()
      .raw()
      .toBuffer();
    return { data, fit: 'extend' };
  }

  /**
   * The delivered image: the picture at size, then (for a catalogue item) the product photo in the space the text
   * leaves, then the brief's text, measured.
   */
  async apply(
    png: Buffer,
    request: ImageRequest,
    size: { width: number; height: number },
    seed: number,
  ): Promise<CreativeImage> {
    const { data, fit } = await this.toSize(png, size.width, size.height);
    const started = performance.now();
    const spec: CreativeSpec = {
      width: size.width,
      height: size.height,
      platform: request.platform,
      request: request.originalPrompt || request.prompt,
      brief: briefOf(request.creative),
      brandPalette: request.creative.brandPalette,
      seed,
      ...(request.brand ? { brand: { fonts: request.brand.fonts, logo: request.brand.logo } } : {}),
    };
    let picture = data;
    let product: ProductRecord | undefined;
    if (request.product) {
      // The same layout the text layer computes below: the product goes where no text (nor logo) will be.
      const { layout } = layoutLenient(spec);
      const placed = await placeProduct(data, size.width, size.height, layout.art, request.product.cutout);
      picture = placed.data;
      const c = request.product.cutout;
      product = {
        itemId: request.product.itemId,
        photoKey: request.product.photoKey,
        method: c.method,
        background: c.background,
        borderUniformity: Math.round(c.borderUniformity * 1000) / 1000,
        removedShare: Math.round(c.removedShare * 1000) / 1000,
        box: placed.box,
      };
    }
    const { png: out, record } = await composeCreative(spec, picture);
    const full = product
      ? { ...record, subjects: [{ name: `product:${product.itemId}`, box: product.box }], product }
      : record;
    return { png: out, fit, record: full, textLayerMs: Math.round(performance.now() - started) };
  }
}
