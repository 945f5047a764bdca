import sharp from 'sharp';

/** How a product photo's background was dealt with. */
export type CutoutMethod = 'removed' | 'blended';

export interface ProductCutout {
  /** RGBA PNG, trimmed to the product (removed) or the whole photo with feathered edges (blended). */
  png: Buffer;
  width: number;
  height: number;
  method: CutoutMethod;
  /** The border colour the photo was shot on, #rrggbb. */
  background: string;
  /** Share of the border within tolerance of that colour (0..1): how plain the studio background is. */
  borderUniformity: number;
  /** Share of the photo's pixels made transparent. */
  removedShare: number;
}

/** Longest side the cut-out is computed at (the creative's art box is never larger than this). */
const WORK_SIDE = 1024;
/** A pixel belongs to the background when its RGB distance to the border colour is at most this. */
const TOLERANCE = 38;
/** The border counts as a plain studio background when this share of it is within tolerance. */
const MIN_UNIFORMITY = 0.9;
/** Soft edge: the alpha mask is blurred by this sigma (px) and the background kept fully transparent. */
const EDGE_SIGMA = 1.2;

const hex = (r: number, g: number, b: number): string =>
  `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * A catalogue photo made ready to sit on a layout: when the photo was shot on a plain (near-uniform) background,
 * that background is flood-filled from the border to transparent (only what is connected to the border, so a white
 * label inside the product stays), the mask's edge is softened, and the result is trimmed to the product. A busy
 * background is kept and the photo's own edges are feathered so it blends onto the layout background.
 */
export async function cutOutProduct(photo: Buffer): Promise<ProductCutout> {
  const { data, info } = await sharp(photo, { limitInputPixels: 40_000_000 })
    .rotate()
    .resize(WORK_SIDE, WORK_SIDE, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const px = (i: number): [number, number, number, number] => [
    data[i * 4],
    data[i * 4 + 1],
    data[i * 4 + 2],
    data[i * 4 + 3],
  ];

  const border: number[] = [];
  for (let x = 0; x < w; x++) border.push(x, (h - 1) * w + x);
  for (let y = 1; y < h - 1; y++) border.push(y * w, y * w + w - 1);
  const bg = [0, 1, 2].map((c) => median(border.map((i) => data[i * 4 + c])));
  const dist = (i: number): number => {
    const [r, g, b, a] = px(i);
    // A transparent pixel already is background.
    if (a < 16) return 0;
    return Math.hypot(r - bg[0], g - bg[1], b - bg[2]);
  };
  const uniformity = border.filter((i) => dist(i) <= TOLERANCE).length / border.length;
  const background = hex(bg[0], bg[1], bg[2]);

  if (uniformity < MIN_UNIFORMITY) {
    return {
      ...(await feathered(data, w, h)),
      method: 'blended',
      background,
      borderUniformity: uniformity,
      removedShare: 0,
    };
  }

  // Flood fill from every border pixel within tolerance (4-neighbours, iterative).
  const isBg = new Uint8Array(w * h);
  const stack: number[] = [];
  for (const i of border) {
    if (!isBg[i] && dist(i) <= TOLERANCE) {
      isBg[i] = 1;
      stack.push(i);
    }
  }
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % w;
    const y = (i - x) / w;
    const next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1];
    for (const j of next) {
      if (j >= 0 && !isBg[j] && dist(j) <= TOLERANCE) {
        isBg[j] = 1;
        stack.push(j);
      }
    }
  }
  const mask = Buffer.alloc(w * h);
  let removed = 0;
  for (let i = 0; i < w * h; i++) {
    if (isBg[i]) removed++;
    else mask[i] = data[i * 4 + 3];
  }
  // Soft edge: blur the mask, then keep the background fully transparent and the product's inside opaque.
  const soft = await sharp(mask, { raw: { width: w, height: h, channels: 1 } })
    .blur(EDGE_SIGMA)
    .extractChannel(0)
    .raw()
    .toBuffer();
  let minX = w;
  let minY = h;
  let maxX = -1;
  let maxY = -1;
  const out = Buffer.from(data);
  for (let i = 0; i < w * h; i++) {
    const alpha = isBg[i] ? 0 : Math.max(soft[i], Math.round(mask[i] * 0.5));
    out[i * 4 + 3] = alpha;
    if (alpha > 0) {
      const x = i % w;
      const y = (i - x) / w;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) {
    // Nothing but background (an empty studio shot): keep the photo as it is, blended.
    return {
      ...(await feathered(data, w, h)),
      method: 'blended',
      background,
      borderUniformity: uniformity,
      removedShare: 0,
    };
  }
  const cw = maxX - minX + 1;
  const ch = maxY - minY + 1;
  const png = await sharp(out, { raw: { width: w, height: h, channels: 4 } })
    .extract({ left: minX, top: minY, width: cw, height: ch })
    .png()
    .toBuffer();
  return {
    png,
    width: cw,
    height: ch,
    method: 'removed',
    background,
    borderUniformity: uniformity,
    removedShare: removed / (w * h),
  };
}

/** The whole photo with its outer 6 % faded to transparent, so a busy background melts into the layout's. */
async function feathered(data: Buffer, w: number, h: number): Promise<{ png: Buffer; width: number; height: number }> {
  const out = Buffer.from(data);
  const band = Math.max(2, Math.round(Math.min(w, h) * 0.06));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.min(x, y, w - 1 - x, h - 1 - y);
      if (d < band) {
        const i = (y * w + x) * 4 + 3;
        out[i] = Math.round((out[i] * d) / band);
      }
    }
  }
  return {
    png: await sharp(out, { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toBuffer(),
    width: w,
    height: h,
  };
}
