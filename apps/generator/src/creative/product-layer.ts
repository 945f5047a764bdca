import sharp from 'sharp';
import { parseHex, type Box } from '@atelier/creative';
import type { ProductCutout } from './product-cutout';

/** A catalogue item's photo as the creative's subject (ImageRequest.product). */
export interface ProductInput {
  itemId: string;
  photoKey: string;
  cutout: ProductCutout;
}

/** What the layout record keeps about the product layer. */
export interface ProductRecord {
  itemId: string;
  photoKey: string;
  method: ProductCutout['method'];
  background: string;
  borderUniformity: number;
  removedShare: number;
  /** Where the product was placed, px of the delivered image. */
  box: Box;
}

/** Share of the art box kept free around the product on each side. */
const PADDING = 0.06;

/**
 * The product cut-out fitted inside the art box (the space the text leaves), centred, with a soft contact shadow,
 * composited over the picture (RGB pixels of the delivered size). Returns the new pixels and the product's box.
 */
export async function placeProduct(
  picture: Buffer,
  width: number,
  height: number,
  art: Box,
  cutout: ProductCutout,
): Promise<{ data: Buffer; box: Box }> {
  const padX = art.w * PADDING;
  const padY = art.h * PADDING;
  const maxW = Math.max(8, Math.floor(art.w - 2 * padX));
  const maxH = Math.max(8, Math.floor(art.h - 2 * padY));
  const scale = Math.min(maxW / cutout.width, maxH / cutout.height);
  const w = Math.max(1, Math.round(cutout.width * scale));
  const h = Math.max(1, Math.round(cutout.height * scale));
  const left = Math.round(art.x + (art.w - w) / 2);
  const top = Math.round(art.y + (art.h - h) / 2);
  const product = await sharp(cutout.png).resize(w, h, { fit: 'fill' }).png().toBuffer();
  const layers: sharp.OverlayOptions[] = [];
  if (cutout.method === 'removed') {
    // A contact shadow under the product, so it stands on the layout rather than floating.
    const sw = Math.round(w * 0.8);
    const sh = Math.max(4, Math.round(h * 0.08));
    const shadowSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="${sw}" height="${sh * 3}">
      <filter id="b"><feGaussianBlur stdDeviation="${Math.max(2, sh / 2)}"/></filter>
      <ellipse cx="${sw / 2}" cy="${sh * 1.5}" rx="${sw / 2.3}" ry="${sh / 2}" fill="#000" fill-opacity="0.28" filter="url(#b)"/>
    </svg>`;
    const shadowTop = Math.min(height - sh * 3, Math.max(0, top + h - Math.round(sh * 1.5)));
    const shadowLeft = Math.min(width - sw, Math.max(0, left + Math.round((w - sw) / 2)));
    layers.push({ input: Buffer.from(shadowSvg), left: shadowLeft, top: shadowTop });
  }
  layers.push({ input: product, left, top });
  const data = await sharp(picture, { raw: { width, height, channels: 3 } })
    .composite(layers)
    .removeAlpha()
    .raw()
    .toBuffer();
  return { data, box: { x: left, y: top, w, h } };
}

/**
 * The embedded default's picture for a product creative: no illustrations (the product is the subject), a soft
 * studio backdrop in the palette's first colour (or a warm neutral) fading to white, so the cut-out sits on it.
 */
export async function productBackdrop(width: number, height: number, palette: readonly string[]): Promise<Buffer> {
  const [r, g, b] = (palette[0] && parseHex(palette[0])) || [236, 228, 216];
  const tint = (c: number, k: number): number => Math.round(255 - (255 - c) * k);
  const top = `rgb(${tint(r, 0.35)},${tint(g, 0.35)},${tint(b, 0.35)})`;
  const bottom = `rgb(${tint(r, 0.7)},${tint(g, 0.7)},${tint(b, 0.7)})`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/>
    </linearGradient></defs>
    <rect width="${width}" height="${height}" fill="url(#g)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
}
