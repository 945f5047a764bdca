/** WCAG 2.x relative luminance and contrast ratio, and the colour choice the text layer makes with them. */
export type Rgb = readonly [number, number, number];

const channel = (v: number): number => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** Lookup of the linearised channel, so scanning a region's pixels stays cheap. */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => channel(v));

export const relativeLuminance = ([r, g, b]: Rgb): number =>
  0.2126 * LINEAR[r] + 0.7152 * LINEAR[g] + 0.0722 * LINEAR[b];

export function contrastRatio(a: Rgb, b: Rgb): number {
  return contrastOfLuminances(relativeLuminance(a), relativeLuminance(b));
}

export function contrastOfLuminances(la: number, lb: number): number {
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

export const WCAG_AA = 4.5;

export function parseHex(hex: string): Rgb | undefined {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/iu.exec(hex.trim());
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : undefined;
}

export const toHex = ([r, g, b]: Rgb): string =>
  `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** RGB pixels of one region of an image (3 channels, row-major), read with a stride to bound the work. */
export interface PixelRegion {
  data: Uint8Array | Buffer;
  width: number;
  height: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Luminance of every sampled pixel under a box (at most ~40k samples). */
export function regionLuminances(r: PixelRegion): Float64Array {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(r.width, Math.ceil(r.x + r.w));
  const y1 = Math.min(r.height, Math.ceil(r.y + r.h));
  const area = Math.max(1, (x1 - x0) * (y1 - y0));
  const stride = Math.max(1, Math.floor(Math.sqrt(area / 40000)));
  const out: number[] = [];
  for (let y = y0; y < y1; y += stride) {
    for (let x = x0; x < x1; x += stride) {
      const o = (y * r.width + x) * 3;
      out.push(0.2126 * LINEAR[r.data[o]] + 0.7152 * LINEAR[r.data[o + 1]] + 0.0722 * LINEAR[r.data[o + 2]]);
    }
  }
  return Float64Array.from(out);
}

/** The worst contrast a colour of luminance `l` has against any of the sampled pixels. */
export function worstContrast(l: number, luminances: Float64Array): number {
  let worst = Infinity;
  for (const lp of luminances) {
    const c = contrastOfLuminances(l, lp);
    if (c < worst) worst = c;
  }
  return worst === Infinity ? 21 : worst;
}

/** Luminances after a plate of `colour` at `alpha` is blended over them (blending in sRGB space, as SVG does). */
export function platedLuminances(luminances: Float64Array, colour: Rgb, alpha: number): Float64Array {
  // Blend in linear light: a close, slightly conservative stand-in for sRGB blending of unknown per-pixel colours.
  const lc = relativeLuminance(colour);
  return luminances.map((l) => alpha * lc + (1 - alpha) * l);
}
