import sharp from 'sharp';
import { mixRgb, paletteFromPrompt, promptTokens, swatchColour, type Palette, type Rgb } from './palette';
import { createSeededRandom, promptHash, toUint64, type SeededRandom } from './seeded-random';
import { drawCreativeOverlay, parseHexColour, rgbToSwatch, type CreativeText } from './creative-overlay';

import { meanPixelDistance } from './pixel-distance';

export { meanPixelDistance };

/**
 * Procedural image backend: draws prompt-coloured compositions (gradients + flat shapes) in
 * plain JS and encodes them with sharp. It is deterministic and fast, so it serves as the
 * offline / test backend and as a baseline the judges must be able to tell apart.
 *
 * Bump PROCEDURAL_BACKEND_VERSION whenever output pixels change for the same input, since
 * callers may cache or compare images by (backend, version, seed).
 */
export const PROCEDURAL_BACKEND_VERSION = '2';

export interface ProceduralRenderInput {
  prompt: string;
  width: number;
  height: number;
  seed: bigint;
  n: number;
  platform?: string;
  /** Title/price/discount to set as type and brand colours to paint with; absent or empty fields are skipped. */
  creative?: ProceduralCreative;
}

export interface ProceduralCreative {
  title?: string;
  price?: string;
  discount?: string;
  /** #rrggbb. */
  brandPalette?: readonly string[];
}

export interface RenderedImage {
  index: number;
  seed: bigint;
  png: Buffer;
  width: number;
  height: number;
}

export const MAX_DIMENSION = 4096;
export const MAX_IMAGES = 16;

type Layout = 'product' | 'banner' | 'poster' | 'landscape' | 'flatlay';
type Tone = 'light' | 'dark' | 'vivid' | 'deep';
type ProductShape = 'bottle' | 'box' | 'cup' | 'sphere';

// Rotation order: neighbours differ in structure (centred object / bands / diagonals / ...).
const LAYOUTS: readonly Layout[] = ['product', 'banner', 'poster', 'landscape', 'flatlay'];
// Four tones with clearly different background lightness, so up to 4 images of one
// request stay visibly distinct even when the layout is pinned by a hint.
const TONES: readonly Tone[] = ['light', 'dark', 'vivid', 'deep'];
const PRODUCT_SHAPES: readonly ProductShape[] = ['bottle', 'box', 'cup', 'sphere'];

interface Hint<T> {
  readonly value: T;
  readonly words: readonly string[];
  readonly stems: readonly string[];
}

const LAYOUT_HINTS: readonly Hint<Layout>[] = [
  {
    value: 'banner',
    words: ['banner', 'header', 'cover', 'ad', 'ads', 'billboard', 'sale'],
    stems: ['баннер', 'обложк', 'шапк', 'реклам', 'распродаж'],
  },
  {
    value: 'product',
    words: ['product', 'packshot', 'bottle', 'package', 'packaging', 'jar', 'box', 'cup', 'mug'],
    stems: ['товар', 'карточк', 'упаковк', 'бутыл', 'флакон', 'коробк', 'чашк', 'кружк'],
  },
  {
    value: 'poster',
    words: ['poster', 'flyer', 'story', 'stories'],
    stems: ['постер', 'афиш', 'флаер', 'плакат'],
  },
  {
    value: 'landscape',
    words: ['landscape', 'sunset', 'sunrise', 'sea', 'ocean', 'mountain', 'mountains', 'beach'],
    stems: ['пейзаж', 'закат', 'рассвет', 'море', 'моря', 'морск', 'пляж', 'горы'],
  },
  {
    value: 'flatlay',
    words: ['flatlay', 'pattern', 'seamless', 'collection'],
    stems: ['узор', 'паттерн', 'раскладк', 'коллекци'],
  },
];

const SHAPE_HINTS: readonly Hint<ProductShape>[] = [
  { value: 'bottle', words: ['bottle', 'perfume', 'wine'], stems: ['бутыл', 'флакон', 'духи', 'вино'] },
  {
    value: 'cup',
    words: ['cup', 'mug', 'coffee', 'tea', 'latte', 'espresso', 'cappuccino'],
    stems: ['чашк', 'кружк', 'кофе', 'чай', 'латте', 'капучино'],
  },
  { value: 'box', words: ['box', 'gift', 'package', 'packaging'], stems: ['коробк', 'подар', 'упаковк'] },
  { value: 'sphere', words: ['ball', 'sphere', 'planet'], stems: ['мяч', 'шар', 'планет'] },
];

function findHint<T>(tokens: readonly string[], hints: readonly Hint<T>[]): T | undefined {
  for (const token of tokens) {
    for (const hint of hints) {
      if (hint.words.some((w) => token === w || token === `${w}s`)) return hint.value;
      if (hint.stems.some((s) => token.startsWith(s))) return hint.value;
    }
  }
  return undefined;
}

/** The platform is an explicit format choice, so it wins over words in the prompt. */
function platformLayout(platform: string | undefined): Layout | undefined {
  const p = (platform ?? '').toLowerCase();
  if (p.includes('banner')) return 'banner';
  if (p.includes('marketplace') || p.includes('product')) return 'product';
  if (p.includes('story') || p.includes('poster')) return 'poster';
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Raw RGB canvas with anti-aliased primitives. Coverage comes from signed distances, so
// edges are smooth without supersampling; everything is flat typed-array loops.
// ---------------------------------------------------------------------------------------

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

// Module-local aliases for the hot loops: under jest's vm sandbox every lookup of a global
// such as `Math` goes through an interceptor and makes these loops ~50x slower.
const { sqrt, min, max, abs, floor } = Math;

class RgbCanvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 3);
  }

  /** Gradient across the whole canvas along `angle` (radians, 0 = left→right). */
  linearGradient(from: Rgb, to: Rgb, angle: number): void {
    const { width: w, height: h, data } = this;
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    const corners = [0, (w - 1) * dx, (h - 1) * dy, (w - 1) * dx + (h - 1) * dy];
    const lo = Math.min(...corners);
    const span = Math.max(...corners) - lo || 1;
    const [r0, g0, b0] = from;
    const dr = to[0] - r0;
    const dg = to[1] - g0;
    const db = to[2] - b0;
    let o = 0;
    for (let y = 0; y < h; y++) {
      const rowBase = y * dy - lo;
      for (let x = 0; x < w; x++) {
        const t = clamp01((x * dx + rowBase) / span);
        data[o] = (r0 + dr * t + 0.5) | 0;
        data[o + 1] = (g0 + dg * t + 0.5) | 0;
        data[o + 2] = (b0 + db * t + 0.5) | 0;
        o += 3;
      }
    }
  }

  /** Whole-canvas radial gradient, smoothstep-eased for a soft studio-light falloff. */
  radialGradient(cx: number, cy: number, radius: number, inner: Rgb, outer: Rgb): void {
    const { width: w, height: h, data } = this;
    const [r0, g0, b0] = inner;
    const dr = outer[0] - r0;
    const dg = outer[1] - g0;
    const db = outer[2] - b0;
    const inv = 1 / radius;
    let o = 0;
    for (let y = 0; y < h; y++) {
      const py = (y + 0.5 - cy) * inv;
      const py2 = py * py;
      for (let x = 0; x < w; x++) {
        const px = (x + 0.5 - cx) * inv;
        const d = sqrt(px * px + py2);
        const u = d > 1 ? 1 : d;
        const t = u * u * (3 - 2 * u);
        data[o] = (r0 + dr * t + 0.5) | 0;
        data[o + 1] = (g0 + dg * t + 0.5) | 0;
        data[o + 2] = (b0 + db * t + 0.5) | 0;
        o += 3;
      }
    }
  }

  /**
   * Filled ellipse. `feather` is the width in px of the edge ramp: 1 gives a crisp
   * anti-aliased edge, large values give glows and soft shadows.
   */
  ellipse(cx: number, cy: number, rx: number, ry: number, colour: Rgb, alpha: number, feather = 1): void {
    if (rx <= 0 || ry <= 0 || alpha <= 0) return;
    const { data, width: w } = this;
    const f = max(feather, 1);
    const [x0, x1] = this.clipX(cx - rx - f, cx + rx + f);
    const [y0, y1] = this.clipY(cy - ry - f, cy + ry + f);
    const irx = 1 / rx;
    const iry = 1 / ry;
    const rMin = min(rx, ry);
    const invF = 1 / f;
    const [cr, cg, cb] = colour;
    for (let y = y0; y < y1; y++) {
      const ny = (y + 0.5 - cy) * iry;
      const ny2 = ny * ny;
      let o = (y * w + x0) * 3;
      for (let x = x0; x < x1; x++, o += 3) {
        const nx = (x + 0.5 - cx) * irx;
        const edge = (1 - sqrt(nx * nx + ny2)) * rMin;
        const cov = edge * invF + 0.5;
        if (cov <= 0) continue;
        const a = cov >= 1 ? alpha : alpha * cov;
        data[o] = (data[o] + (cr - data[o]) * a + 0.5) | 0;
        data[o + 1] = (data[o + 1] + (cg - data[o + 1]) * a + 0.5) | 0;
        data[o + 2] = (data[o + 2] + (cb - data[o + 2]) * a + 0.5) | 0;
      }
    }
  }

  circle(cx: number, cy: number, r: number, colour: Rgb, alpha: number, feather = 1): void {
    this.ellipse(cx, cy, r, r, colour, alpha, feather);
  }

  /** Annulus between rInner and rOuter (handles, decorative rings). */
  ring(cx: number, cy: number, rOuter: number, rInner: number, colour: Rgb, alpha: number): void {
    if (rOuter <= rInner || alpha <= 0) return;
    const { data, width: w } = this;
    const [x0, x1] = this.clipX(cx - rOuter - 1, cx + rOuter + 1);
    const [y0, y1] = this.clipY(cy - rOuter - 1, cy + rOuter + 1);
    const [cr, cg, cb] = colour;
    for (let y = y0; y < y1; y++) {
      const py = y + 0.5 - cy;
      const py2 = py * py;
      let o = (y * w + x0) * 3;
      for (let x = x0; x < x1; x++, o += 3) {
        const px = x + 0.5 - cx;
        const d = sqrt(px * px + py2);
        const edge = min(rOuter - d, d - rInner);
        const cov = edge + 0.5;
        if (cov <= 0) continue;
        const a = cov >= 1 ? alpha : alpha * cov;
        data[o] = (data[o] + (cr - data[o]) * a + 0.5) | 0;
        data[o + 1] = (data[o + 1] + (cg - data[o + 1]) * a + 0.5) | 0;
        data[o + 2] = (data[o + 2] + (cb - data[o + 2]) * a + 0.5) | 0;
      }
    }
  }

  /** Axis-aligned rectangle with optional rounded corners (rounded-box signed distance). */
  rect(x0: number, y0: number, x1: number, y1: number, colour: Rgb, alpha: number, radius = 0): void {
    if (x1 <= x0 || y1 <= y0 || alpha <= 0) return;
    const { data, width: w } = this;
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const hw = (x1 - x0) / 2;
    const hh = (y1 - y0) / 2;
    const r = max(0, min(radius, hw, hh));
    const ix = hw - r;
    const iy = hh - r;
    const [px0, px1] = this.clipX(x0 - 1, x1 + 1);
    const [py0, py1] = this.clipY(y0 - 1, y1 + 1);
    const [cr, cg, cb] = colour;
    for (let y = py0; y < py1; y++) {
      const qy = abs(y + 0.5 - cy) - iy;
      const oy = qy > 0 ? qy : 0;
      let o = (y * w + px0) * 3;
      for (let x = px0; x < px1; x++, o += 3) {
        const qx = abs(x + 0.5 - cx) - ix;
        const ox = qx > 0 ? qx : 0;
        const inside = min(max(qx, qy), 0);
        const dist = (ox === 0 && oy === 0 ? 0 : sqrt(ox * ox + oy * oy)) + inside - r;
        const cov = 0.5 - dist;
        if (cov <= 0) continue;
        const a = cov >= 1 ? alpha : alpha * cov;
        data[o] = (data[o] + (cr - data[o]) * a + 0.5) | 0;
        data[o + 1] = (data[o + 1] + (cg - data[o + 1]) * a + 0.5) | 0;
        data[o + 2] = (data[o + 2] + (cb - data[o + 2]) * a + 0.5) | 0;
      }
    }
  }

  /** Parallel stripes clipped to a rectangle; `angle` is the stripe normal (radians). */
  stripes(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    period: number,
    duty: number,
    angle: number,
    colour: Rgb,
    alpha: number,
  ): void {
    if (period < 2 || alpha <= 0) return;
    const { data, width: w } = this;
    const [px0, px1] = this.clipX(x0, x1);
    const [py0, py1] = this.clipY(y0, y1);
    const nx = Math.cos(angle);
    const ny = Math.sin(angle);
    const band = period * clamp01(duty);
    const [cr, cg, cb] = colour;
    for (let y = py0; y < py1; y++) {
      const rowU = (y + 0.5) * ny;
      let o = (y * w + px0) * 3;
      for (let x = px0; x < px1; x++, o += 3) {
        const u = (x + 0.5) * nx + rowU;
        const pos = u - floor(u / period) * period;
        // Signed distance to the nearest stripe edge: positive inside the stripe.
        const edge = pos < band ? min(pos, band - pos) : -min(pos - band, period - pos);
        const cov = edge + 0.5;
        if (cov <= 0) continue;
        const a = cov >= 1 ? alpha : alpha * cov;
        data[o] = (data[o] + (cr - data[o]) * a + 0.5) | 0;
        data[o + 1] = (data[o + 1] + (cg - data[o + 1]) * a + 0.5) | 0;
        data[o + 2] = (data[o + 2] + (cb - data[o + 2]) * a + 0.5) | 0;
      }
    }
  }

  private clipX(from: number, to: number): [number, number] {
    return [max(0, floor(from)), min(this.width, Math.ceil(to))];
  }

  private clipY(from: number, to: number): [number, number] {
    return [max(0, floor(from)), min(this.height, Math.ceil(to))];
  }
}

// ---------------------------------------------------------------------------------------
// Colour roles per tone
// ---------------------------------------------------------------------------------------

interface Scheme {
  bgA: Rgb;
  bgB: Rgb;
  fg: Rgb;
  fg2: Rgb;
  detail: Rgb;
  accent: Rgb;
  highlight: Rgb;
  shadow: Rgb;
}

function schemeFor(palette: Palette, tone: Tone): Scheme {
  const sw = palette.swatches;
  const s0 = sw[0];
  const s1 = sw[1 % sw.length];
  const s2 = sw[2 % sw.length];
  const a = palette.accent;
  switch (tone) {
    case 'light':
      return {
        bgA: swatchColour(s0, 0.93, 0.6),
        bgB: swatchColour(s1, 0.8, 0.7),
        fg: swatchColour(s0, 0.45),
        fg2: swatchColour(s1, 0.32),
        detail: swatchColour(s2, 0.62),
        accent: swatchColour(a, 0.55),
        highlight: swatchColour(s0, 0.97, 0.5),
        shadow: swatchColour(s0, 0.22, 0.5),
      };
    case 'dark':
      return {
        bgA: swatchColour(s0, 0.2, 0.8),
        bgB: swatchColour(s1, 0.09, 0.8),
        fg: swatchColour(s0, 0.6),
        fg2: swatchColour(s2, 0.72),
        detail: swatchColour(s1, 0.42),
        accent: swatchColour(a, 0.6),
        highlight: swatchColour(s0, 0.9, 0.6),
        shadow: swatchColour(s0, 0.03, 0.3),
      };
    case 'vivid':
      return {
        bgA: swatchColour(s0, 0.55, 1.1),
        bgB: swatchColour(s2, 0.44, 1.05),
        fg: swatchColour(s0, 0.95, 0.35),
        fg2: swatchColour(s1, 0.2),
        detail: swatchColour(s1, 0.75),
        accent: swatchColour(a, 0.48),
        highlight: swatchColour(s0, 0.98, 0.3),
        shadow: swatchColour(s0, 0.2, 0.8),
      };
    case 'deep':
      return {
        bgA: swatchColour(s1, 0.36),
        bgB: swatchColour(s0, 0.26),
        fg: swatchColour(s2, 0.8),
        fg2: swatchColour(s0, 0.6),
        detail: swatchColour(a, 0.62),
        accent: swatchColour(a, 0.7),
        highlight: swatchColour(s2, 0.92, 0.5),
        shadow: swatchColour(s1, 0.1, 0.6),
      };
  }
}

// ---------------------------------------------------------------------------------------
// Compositions
// ---------------------------------------------------------------------------------------

interface DrawContext {
  canvas: RgbCanvas;
  scheme: Scheme;
  rng: SeededRandom;
  shape: ProductShape;
}

/** Product shot: one centred object on a soft radial background with floor and shadow. */
function drawProduct({ canvas, scheme: c, rng, shape }: DrawContext): void {
  const { width: w, height: h } = canvas;
  const s = Math.min(w, h);
  const cx = w * rng.range(0.45, 0.55);
  canvas.radialGradient(w / 2, h * 0.4, Math.hypot(w, h) * 0.62, c.bgA, c.bgB);
  const floorY = h * rng.range(0.68, 0.76);
  canvas.rect(-2, floorY, w + 2, h + 2, mixRgb(c.bgB, c.shadow, 0.25), 0.55);
  canvas.rect(-2, floorY - 1, w + 2, floorY + Math.max(1, s * 0.004), c.highlight, 0.35);

  const scale = rng.range(0.9, 1.1);
  canvas.circle(cx, floorY - s * 0.24 * scale, s * 0.3 * scale, c.accent, 0.3, s * 0.03);
  const shadowW = s * 0.2 * scale;
  canvas.ellipse(cx, floorY + s * 0.012, shadowW, s * 0.035, c.shadow, 0.5, s * 0.03);

  const r = s * 0.02;
  switch (shape) {
    case 'bottle': {
      const bw = s * 0.2 * scale;
      const bh = s * 0.42 * scale;
      const top = floorY - bh;
      canvas.rect(cx - bw / 2, top, cx + bw / 2, floorY, c.fg, 1, s * 0.05);
      canvas.rect(cx - bw * 0.22, top - s * 0.08 * scale, cx + bw * 0.22, top + 2, c.fg, 1, r * 0.5);
      canvas.rect(cx - bw * 0.28, top - s * 0.14 * scale, cx + bw * 0.28, top - s * 0.075 * scale, c.fg2, 1, r * 0.5);
      canvas.rect(cx - bw / 2, top + bh * 0.38, cx + bw / 2, top + bh * 0.7, c.detail, 0.95);
      canvas.rect(cx - bw * 0.34, top + bh * 0.08, cx - bw * 0.22, floorY - bh * 0.08, c.highlight, 0.35, r);
      break;
    }
    case 'box': {
      const bw = s * 0.44 * scale;
      const bh = s * 0.32 * scale;
      const top = floorY - bh;
      canvas.rect(cx - bw / 2, top, cx + bw / 2, floorY, c.fg, 1, r);
      canvas.rect(cx - bw / 2 - s * 0.012, top - s * 0.06, cx + bw / 2 + s * 0.012, top + s * 0.02, c.fg2, 1, r);
      canvas.rect(cx - bw * 0.07, top - s * 0.06, cx + bw * 0.07, floorY, c.detail, 0.95);
      canvas.ring(cx - bw * 0.09, top - s * 0.08, s * 0.05, s * 0.03, c.detail, 0.95);
      canvas.ring(cx + bw * 0.09, top - s * 0.08, s * 0.05, s * 0.03, c.detail, 0.95);
      break;
    }
    case 'cup': {
      const bw = s * 0.3 * scale;
      const bh = s * 0.27 * scale;
      const top = floorY - bh - s * 0.02;
      canvas.ellipse(cx, floorY - s * 0.01, bw * 0.85, s * 0.035, c.fg2, 1);
      canvas.ring(cx + bw / 2, top + bh * 0.45, bh * 0.3, bh * 0.17, c.fg, 1);
      canvas.rect(cx - bw / 2, top, cx + bw / 2, top + bh, c.fg, 1, s * 0.06);
      canvas.ellipse(cx, top + s * 0.012, bw / 2, s * 0.03, c.fg2, 1);
      canvas.rect(cx - bw / 2, top + bh * 0.4, cx + bw / 2, top + bh * 0.55, c.detail, 0.9);
      // Steam: soft stacked circles, no texture.
      for (let k = 0; k < 3; k++) {
        canvas.circle(cx + (k - 1) * bw * 0.22, top - s * (0.06 + 0.04 * k), s * 0.025, c.highlight, 0.35, s * 0.02);
      }
      break;
    }
    case 'sphere': {
      const rad = s * 0.19 * scale;
      const cy = floorY - rad;
      canvas.circle(cx, cy, rad, c.fg, 1);
      canvas.circle(cx + rad * 0.12, cy + rad * 0.12, rad * 0.82, mixRgb(c.fg, c.shadow, 0.35), 0.6, rad * 0.3);
      canvas.rect(cx - rad * 0.99, cy - rad * 0.1, cx + rad * 0.99, cy + rad * 0.1, c.detail, 0.85);
      canvas.circle(cx - rad * 0.38, cy - rad * 0.4, rad * 0.22, c.highlight, 0.7, rad * 0.15);
      break;
    }
  }
}

/** Banner: horizontal bands with a large block where the title goes and a decorated side. */
function drawBanner({ canvas, scheme: c, rng }: DrawContext): void {
  const { width: w, height: h } = canvas;
  const s = Math.min(w, h);
  canvas.linearGradient(c.bgA, c.bgB, rng.range(-0.15, 0.15));

  const bands = rng.int(3, 6);
  let y = 0;
  for (let k = 0; k < bands; k++) {
    const remaining = bands - k;
    const bandH = k === bands - 1 ? h - y : ((h - y) / remaining) * rng.range(0.6, 1.4);
    const colour = k % 2 === 0 ? mixRgb(c.bgA, c.fg, 0.18) : mixRgb(c.bgB, c.shadow, 0.2);
    canvas.rect(-2, y, w + 2, y + bandH, colour, k === 0 ? 0.25 : 0.45);
    y += bandH;
  }
  const stripeBand = h * rng.range(0.78, 0.86);
  canvas.stripes(0, stripeBand, w, stripeBand + h * 0.07, Math.max(6, s * 0.05), 0.45, Math.PI / 4, c.detail, 0.45);

  const left = rng.chance(0.5);
  const bx0 = left ? w * 0.06 : w * 0.42;
  const bx1 = bx0 + w * rng.range(0.48, 0.52);
  const by0 = h * rng.range(0.18, 0.26);
  const by1 = h * rng.range(0.6, 0.68);
  canvas.rect(bx0 + s * 0.015, by0 + s * 0.02, bx1 + s * 0.015, by1 + s * 0.02, c.shadow, 0.3, s * 0.03);
  canvas.rect(bx0, by0, bx1, by1, c.fg, 0.95, s * 0.03);
  canvas.rect(bx0, by1 + h * 0.05, bx0 + w * 0.18, by1 + h * 0.05 + Math.max(8, h * 0.09), c.accent, 1, s * 0.04);

  const dx = left ? w * 0.8 : w * 0.2;
  const dy = h * rng.range(0.35, 0.55);
  canvas.circle(dx, dy, s * rng.range(0.26, 0.34), c.accent, 0.9);
  canvas.circle(dx + (left ? 1 : -1) * s * 0.16, dy + s * 0.14, s * 0.16, c.fg2, 0.85);
  canvas.ring(dx - (left ? 1 : -1) * s * 0.12, dy - s * 0.18, s * 0.09, s * 0.06, c.highlight, 0.8);
}

/** Poster: diagonal gradient, a large "sun" disc, a block and a field of stripes and dots. */
function drawPoster({ canvas, scheme: c, rng }: DrawContext): void {
  const { width: w, height: h } = canvas;
  const s = Math.min(w, h);
  canvas.linearGradient(c.bgA, c.bgB, rng.range(0.3, 1.2));
  const sunX = w * rng.range(0.3, 0.7);
  const sunY = h * rng.range(0.25, 0.4);
  const sunR = s * rng.range(0.22, 0.3);
  canvas.circle(sunX, sunY, sunR * 1.35, c.accent, 0.25, s * 0.08);
  canvas.circle(sunX, sunY, sunR, c.accent, 1);
  canvas.stripes(0, h * 0.52, w, h * 0.68, Math.max(6, s * 0.06), 0.5, rng.chance(0.5) ? 0.8 : 2.3, c.detail, 0.7);
  canvas.rect(w * 0.08, h * 0.64, w * 0.92, h * 0.9, c.fg2, 0.92, s * 0.02);
  canvas.rect(w * 0.14, h * 0.7, w * rng.range(0.5, 0.8), h * 0.76, c.fg, 0.9, s * 0.01);
  const cols = 5;
  const dot = s * 0.018;
  for (let i = 0; i < cols; i++) {
    canvas.circle(w * (0.58 + i * 0.07), h * 0.83, dot, c.highlight, 0.85);
  }
}

/** Landscape: sky gradient, glowing sun, layered hills and a striped water line. */
function drawLandscape({ canvas, scheme: c, rng }: DrawContext): void {
  const { width: w, height: h } = canvas;
  const s = Math.min(w, h);
  canvas.linearGradient(c.bgB, c.bgA, Math.PI / 2);
  const horizon = h * rng.range(0.55, 0.65);
  const sunX = w * rng.range(0.25, 0.75);
  const sunR = s * rng.range(0.1, 0.15);
  canvas.circle(sunX, horizon - sunR * 0.6, sunR * 2.2, c.accent, 0.35, sunR * 1.2);
  canvas.circle(sunX, horizon - sunR * 0.6, sunR, mixRgb(c.accent, c.highlight, 0.4), 1);
  for (let k = 0; k < 3; k++) {
    const hillW = w * rng.range(0.5, 0.8);
    const hillH = h * (0.22 - k * 0.05);
    const hx = w * rng.range(0, 1);
    const colour = mixRgb(c.fg2, c.shadow, 0.2 + k * 0.25);
    canvas.ellipse(hx, horizon + hillH * 0.35, hillW, hillH, colour, 1);
  }
  canvas.rect(-2, horizon + h * 0.06, w + 2, h + 2, mixRgb(c.fg, c.bgB, 0.3), 1);
  canvas.stripes(0, horizon + h * 0.08, w, h, Math.max(6, h * 0.05), 0.12, Math.PI / 2, c.highlight, 0.35);
}

/** Flat lay: split background with a grid of objects seen from above. */
function drawFlatlay({ canvas, scheme: c, rng }: DrawContext): void {
  const { width: w, height: h } = canvas;
  const s = Math.min(w, h);
  canvas.linearGradient(c.bgA, mixRgb(c.bgA, c.bgB, 0.5), Math.PI / 2);
  const split = w * rng.range(0.35, 0.65);
  canvas.rect(split, -2, w + 2, h + 2, c.bgB, 0.8);
  const cols = w >= h ? 3 : 2;
  const rows = w >= h ? 2 : 3;
  const cell = Math.min(w / cols, h / rows);
  const ox = (w - cell * cols) / 2;
  const oy = (h - cell * rows) / 2;
  const colours = [c.fg, c.accent, c.fg2, c.detail];
  const phase = rng.int(0, 4);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const k = row * cols + col + phase;
      const x = ox + (col + 0.5) * cell;
      const y = oy + (row + 0.5) * cell;
      const size = cell * rng.range(0.28, 0.36);
      const colour = colours[k % colours.length];
      const shadowOff = s * 0.015;
      if (k % 2 === 0) {
        canvas.circle(x + shadowOff, y + shadowOff, size, c.shadow, 0.3, s * 0.02);
        canvas.circle(x, y, size, colour, 1);
        canvas.circle(x, y, size * 0.45, c.highlight, 0.6);
      } else {
        canvas.rect(
          x - size + shadowOff,
          y - size + shadowOff,
          x + size + shadowOff,
          y + size + shadowOff,
          c.shadow,
          0.3,
          size * 0.25,
        );
        canvas.rect(x - size, y - size, x + size, y + size, colour, 1, size * 0.25);
        canvas.rect(x - size, y - size * 0.15, x + size, y + size * 0.15, c.highlight, 0.5);
      }
    }
  }
}

const DRAW: Record<Layout, (ctx: DrawContext) => void> = {
  product: drawProduct,
  banner: drawBanner,
  poster: drawPoster,
  landscape: drawLandscape,
  flatlay: drawFlatlay,
};

// ---------------------------------------------------------------------------------------
// Public entry point
// ---------------------------------------------------------------------------------------

function assertIntInRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Everything decided per request (not per image): palette, hints, rotation offsets. */
interface RequestPlan {
  palette: Palette;
  /** Exact brand colours (for badges), most important first. */
  brand: Rgb[];
  text: CreativeText | undefined;
  hash: number;
  layout: Layout | undefined;
  shape: ProductShape | undefined;
  layoutStart: number;
  toneStart: number;
}

function planRequest(input: ProceduralRenderInput): RequestPlan {
  const hash = promptHash(input.prompt);
  const tokens = promptTokens(input.prompt);
  // Stream 0 is reserved for request-level choices; images use stream index + 1.
  const rng = createSeededRandom(input.seed, 0, hash);
  const brand = (input.creative?.brandPalette ?? []).map(parseHexColour).filter((c): c is Rgb => c !== undefined);
  const text = {
    title: input.creative?.title ?? '',
    price: input.creative?.price ?? '',
    discount: input.creative?.discount ?? '',
  };
  return {
    palette: withBrand(paletteFromPrompt(input.prompt, hash), brand),
    brand,
    text: text.title || text.price || text.discount ? text : undefined,
    hash,
    layout: platformLayout(input.platform) ?? findHint(tokens, LAYOUT_HINTS),
    shape: findHint(tokens, SHAPE_HINTS),
    layoutStart: rng.int(0, LAYOUTS.length),
    toneStart: rng.int(0, TONES.length),
  };
}

/**
 * Brand colours lead the palette (their hue and saturation; the renderer still shades them per tone so the
 * images of a request differ), the prompt's colour words follow, the second brand colour becomes the accent.
 */
function withBrand(palette: Palette, brand: readonly Rgb[]): Palette {
  if (brand.length === 0) return palette;
  const swatches = brand.map(rgbToSwatch);
  return {
    swatches: [...swatches, ...palette.swatches].slice(0, Math.max(5, swatches.length)),
    accent: swatches[1] ?? palette.accent,
    matched: palette.matched,
    source: palette.source,
  };
}

/** Draws image `index` of a request into a raw RGB buffer (exposed for tests/benchmarks). */
export function renderProceduralRaw(input: ProceduralRenderInput, index: number): Uint8Array {
  return drawImage(planRequest(input), input, index);
}

function drawImage(plan: RequestPlan, input: ProceduralRenderInput, index: number): Uint8Array {
  const imageSeed = toUint64(input.seed + BigInt(index));
  const rng = createSeededRandom(imageSeed, index + 1, plan.hash);
  const layout = plan.layout ?? LAYOUTS[(plan.layoutStart + index) % LAYOUTS.length];
  const tone = TONES[(plan.toneStart + index) % TONES.length];
  const canvas = new RgbCanvas(input.width, input.height);
  const scheme = schemeFor(plan.palette, tone);
  DRAW[layout]({
    canvas,
    scheme,
    rng,
    shape: plan.shape ?? PRODUCT_SHAPES[(plan.layoutStart + index) % PRODUCT_SHAPES.length],
  });
  if (plan.text) {
    drawCreativeOverlay(canvas, plan.text, {
      primary: plan.brand[0] ?? scheme.fg,
      accent: plan.brand[1] ?? plan.brand[0] ?? scheme.accent,
      shadow: scheme.shadow,
      highlight: scheme.highlight,
    });
  }
  return canvas.data;
}

/** Draws every image of a request into raw RGB buffers (what the backend hands to the normaliser). */
export function renderProceduralRawImages(input: ProceduralRenderInput): Uint8Array[] {
  assertIntInRange('width', input.width, 1, MAX_DIMENSION);
  assertIntInRange('height', input.height, 1, MAX_DIMENSION);
  assertIntInRange('n', input.n, 1, MAX_IMAGES);
  const plan = planRequest(input);
  return Array.from({ length: input.n }, (_, index) => drawImage(plan, input, index));
}

/** Mean per-channel pixel distance of every pair (a, b), a < b, in [0, 255]: how different the images are. */
export function pairwiseDistances(raws: readonly Uint8Array[]): Array<{ a: number; b: number; distance: number }> {
  const out: Array<{ a: number; b: number; distance: number }> = [];
  for (let a = 0; a < raws.length; a++) {
    for (let b = a + 1; b < raws.length; b++) out.push({ a, b, distance: meanPixelDistance(raws[a], raws[b]) });
  }
  return out;
}

async function encodePng(data: Uint8Array, width: number, height: number): Promise<Buffer> {
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
}

/**
 * Renders `n` images for a prompt. Image i uses seed + i (wrapped to uint64) and is
 * byte-identical for identical input. Images of one request rotate tone (and layout unless
 * the platform/prompt pins one), so they are visibly different from each other.
 */
export async function renderProceduralImages(input: ProceduralRenderInput): Promise<RenderedImage[]> {
  const { width, height } = input;
  // Draw sequentially (CPU-bound JS), then let libvips encode in parallel on its thread pool.
  const raws = renderProceduralRawImages(input);
  const pngs = await Promise.all(raws.map((raw) => encodePng(raw, width, height)));
  return pngs.map((png, index) => ({
    index,
    seed: toUint64(input.seed + BigInt(index)),
    png,
    width,
    height,
  }));
}
