import { extractPalette, rgbToLab } from '@atelier/colour-science';
import type { AttributeSchema } from './attribute-schema';
import { clamp01, type DecodedPhoto } from './attribute-extractor';

/** Pixels of a rectangle (normalised x, y, w, h) of the photo, optionally without a near-white background. */
export function regionPixels(
  photo: DecodedPhoto,
  box: [number, number, number, number] = [0, 0, 1, 1],
  dropWhite = false,
): Uint8Array {
  const x0 = Math.max(0, Math.floor(box[0] * photo.width));
  const y0 = Math.max(0, Math.floor(box[1] * photo.height));
  const x1 = Math.min(photo.width, Math.ceil((box[0] + box[2]) * photo.width));
  const y1 = Math.min(photo.height, Math.ceil((box[1] + box[3]) * photo.height));
  const out: number[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * photo.width + x) * 3;
      const r = photo.rgb[p];
      const g = photo.rgb[p + 1];
      const b = photo.rgb[p + 2];
      if (dropWhite && isBackgroundWhite(r, g, b)) continue;
      out.push(r, g, b);
    }
  }
  return Uint8Array.from(out);
}

/** Catalogue photos sit on white or light grey: L* > 90 with little chroma. */
export function isBackgroundWhite(r: number, g: number, b: number): boolean {
  if (r < 215 || g < 215 || b < 215) return false;
  const [L, a, bb] = rgbToLab(r, g, b);
  return L > 90 && Math.hypot(a, bb) < 8;
}

/** Share of the photo's border that is white background. */
export function whiteBorderShare(photo: DecodedPhoto): number {
  let white = 0;
  let total = 0;
  const check = (x: number, y: number) => {
    const p = (y * photo.width + x) * 3;
    total++;
    if (isBackgroundWhite(photo.rgb[p], photo.rgb[p + 1], photo.rgb[p + 2])) white++;
  };
  for (let x = 0; x < photo.width; x++) {
    check(x, 0);
    check(x, photo.height - 1);
  }
  for (let y = 1; y < photo.height - 1; y++) {
    check(0, y);
    check(photo.width - 1, y);
  }
  return total ? white / total : 0;
}

/**
 * Names the dominant colour of some pixels: k-means palette in CIELAB, each cluster named by the nearest colour
 * of the attribute (CIEDE2000), shares of clusters with the same name summed. Confidence = share of the winning
 * name × how close the measured colour is to the named one.
 */
export function nameDominantColour(
  schema: AttributeSchema,
  attribute: string,
  rgb: Uint8Array,
  minPixels = 16,
): { value: string; confidence: number } | undefined {
  if (rgb.length / 3 < minPixels) return undefined;
  const palette = extractPalette(rgb, 3, 4);
  const byName = new Map<string, { share: number; closeness: number }>();
  for (const c of palette) {
    const named = schema.nearestColour(attribute, c.lab);
    if (!named) continue;
    const closeness = Math.exp(-Math.LN2 * (named.deltaE / 25) ** 2);
    const prev = byName.get(named.value) ?? { share: 0, closeness: 0 };
    byName.set(named.value, {
      share: prev.share + c.share,
      closeness: (prev.closeness * prev.share + closeness * c.share) / (prev.share + c.share),
    });
  }
  let best: { value: string; share: number; closeness: number } | undefined;
  for (const [value, s] of byName) if (!best || s.share > best.share) best = { value, ...s };
  if (!best) return undefined;
  return { value: best.value, confidence: clamp01(Math.min(1, best.share / 0.6) * (0.4 + 0.6 * best.closeness)) };
}

/**
 * Pixels of the subject on a plain catalogue background: the background is flood-filled from the border (pixels
 * within `tolerance` per channel of the border's median colour), so a white garment inside the silhouette is kept
 * (dropping every near-white pixel removed white garments and left their shadows, named silver); then the
 * foreground is eroded by one pixel to drop anti-aliased edges. Undefined when almost nothing is left.
 */
export function subjectPixels(photo: DecodedPhoto, tolerance = 12, minShare = 0.02): Uint8Array | undefined {
  const { width: W, height: H, rgb } = photo;
  const border: number[][] = [[], [], []];
  const addBorder = (i: number) => {
    for (let c = 0; c < 3; c++) border[c].push(rgb[i * 3 + c]);
  };
  for (let x = 0; x < W; x++) {
    addBorder(x);
    addBorder((H - 1) * W + x);
  }
  for (let y = 1; y < H - 1; y++) {
    addBorder(y * W);
    addBorder(y * W + W - 1);
  }
  const bg = border.map((ch) => ch.sort((a, b) => a - b)[ch.length >> 1]);
  const near = (i: number) =>
    Math.abs(rgb[i * 3] - bg[0]) <= tolerance &&
    Math.abs(rgb[i * 3 + 1] - bg[1]) <= tolerance &&
    Math.abs(rgb[i * 3 + 2] - bg[2]) <= tolerance;
  const background = new Uint8Array(W * H);
  const stack: number[] = [];
  const push = (i: number) => {
    if (!background[i] && near(i)) {
      background[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < W; x++) {
    push(x);
    push((H - 1) * W + x);
  }
  for (let y = 0; y < H; y++) {
    push(y * W);
    push(y * W + W - 1);
  }
  while (stack.length) {
    const i = stack.pop() ?? 0;
    const x = i % W;
    if (x > 0) push(i - 1);
    if (x < W - 1) push(i + 1);
    if (i >= W) push(i - W);
    if (i < W * (H - 1)) push(i + W);
  }
  const out: number[] = [];
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      if (background[i] || background[i - 1] || background[i + 1] || background[i - W] || background[i + W]) continue;
      out.push(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
    }
  }
  return out.length / 3 >= minShare * W * H ? Uint8Array.from(out) : undefined;
}
