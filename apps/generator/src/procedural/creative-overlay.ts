import { GLYPH_HEIGHT, balanceLines, forEachLitPixel, normaliseText, textWidth } from './bitmap-font';
import { mixRgb, type Rgb, type Swatch } from './palette';

/** The slice of the renderer's canvas the overlay needs. */
export interface OverlayCanvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  rect(x0: number, y0: number, x1: number, y1: number, colour: Rgb, alpha: number, radius?: number): void;
  circle(cx: number, cy: number, r: number, colour: Rgb, alpha: number, feather?: number): void;
}

export interface CreativeText {
  title: string;
  price: string;
  discount: string;
}

export interface OverlayColours {
  /** Fill of the price pill (the brand's first colour when given). */
  primary: Rgb;
  /** Fill of the discount badge (the brand's second colour when given). */
  accent: Rgb;
  shadow: Rgb;
  highlight: Rgb;
}

const { sqrt, min, max, abs, floor, ceil } = Math;

/** #rrggbb → RGB; undefined for anything else. */
export function parseHexColour(hex: string): Rgb | undefined {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : undefined;
}

/** Hue/saturation of a colour, so brand colours can join the palette the renderer shades per tone. */
export function rgbToSwatch([r, g, b]: Rgb): Swatch {
  const rn = r / 255;
  const gn = g / 255;
  const bn = b / 255;
  const hi = max(rn, gn, bn);
  const lo = min(rn, gn, bn);
  const l = (hi + lo) / 2;
  const d = hi - lo;
  if (d === 0) return { hue: 0, saturation: 0 };
  const saturation = d / (1 - abs(2 * l - 1));
  let hue: number;
  if (hi === rn) hue = 60 * (((gn - bn) / d + 6) % 6);
  else if (hi === gn) hue = 60 * ((bn - rn) / d + 2);
  else hue = 60 * ((rn - gn) / d + 4);
  return { hue, saturation: min(1, saturation) };
}

const luminance = ([r, g, b]: Rgb): number => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

/** Black-ish or white text, whichever reads on the fill. */
const textOn = (fill: Rgb): Rgb => (luminance(fill) > 0.55 ? [20, 20, 24] : [255, 255, 255]);

/**
 * Draws lines of text centred in a box as large as fits. Lit font pixels become slightly rounded squares whose
 * coverage is merged (max) into one mask before a single blend, so neighbouring pixels join without seams.
 */
function drawText(
  canvas: OverlayCanvas,
  lines: readonly string[],
  box: { x0: number; y0: number; x1: number; y1: number },
  colour: Rgb,
  alpha = 1,
): void {
  const widest = max(...lines.map(textWidth));
  if (widest <= 0) return;
  const lineGap = 2;
  const unitsHigh = lines.length * GLYPH_HEIGHT + (lines.length - 1) * lineGap;
  const unit = min((box.x1 - box.x0) / widest, (box.y1 - box.y0) / unitsHigh);
  if (unit < 0.75) return;
  const top = (box.y0 + box.y1) / 2 - (unitsHigh * unit) / 2;
  const mx0 = max(0, floor(box.x0));
  const my0 = max(0, floor(box.y0));
  const mw = min(canvas.width, ceil(box.x1)) - mx0;
  const mh = min(canvas.height, ceil(box.y1)) - my0;
  if (mw <= 0 || mh <= 0) return;
  const mask = new Float32Array(mw * mh);
  const radius = unit * 0.28;
  const grow = unit * 0.06;
  lines.forEach((line, li) => {
    const left = (box.x0 + box.x1) / 2 - (textWidth(line) * unit) / 2;
    const lineTop = top + li * (GLYPH_HEIGHT + lineGap) * unit;
    forEachLitPixel(line, (gx, gy) => {
      const x0 = left + gx * unit - grow;
      const y0 = lineTop + gy * unit - grow;
      addRoundedSquare(mask, mx0, my0, mw, mh, x0, y0, x0 + unit + 2 * grow, y0 + unit + 2 * grow, radius);
    });
  });
  const { data, width } = canvas;
  const [cr, cg, cb] = colour;
  for (let y = 0; y < mh; y++) {
    let o = ((my0 + y) * width + mx0) * 3;
    for (let x = 0; x < mw; x++, o += 3) {
      const cov = mask[y * mw + x];
      if (cov <= 0) continue;
      const a = cov * alpha;
      data[o] = (data[o] + (cr - data[o]) * a + 0.5) | 0;
      data[o + 1] = (data[o + 1] + (cg - data[o + 1]) * a + 0.5) | 0;
      data[o + 2] = (data[o + 2] + (cb - data[o + 2]) * a + 0.5) | 0;
    }
  }
}

function addRoundedSquare(
  mask: Float32Array,
  mx0: number,
  my0: number,
  mw: number,
  mh: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  r: number,
): void {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const ix = (x1 - x0) / 2 - r;
  const iy = (y1 - y0) / 2 - r;
  const px0 = max(mx0, floor(x0 - 1));
  const px1 = min(mx0 + mw, ceil(x1 + 1));
  const py0 = max(my0, floor(y0 - 1));
  const py1 = min(my0 + mh, ceil(y1 + 1));
  for (let y = py0; y < py1; y++) {
    const qy = abs(y + 0.5 - cy) - iy;
    const oy = qy > 0 ? qy : 0;
    for (let x = px0; x < px1; x++) {
      const qx = abs(x + 0.5 - cx) - ix;
      const ox = qx > 0 ? qx : 0;
      const dist = (ox === 0 && oy === 0 ? 0 : sqrt(ox * ox + oy * oy)) + min(max(qx, qy), 0) - r;
      const cov = 0.5 - dist;
      if (cov <= 0) continue;
      const i = (y - my0) * mw + (x - mx0);
      const c = cov >= 1 ? 1 : cov;
      if (c > mask[i]) mask[i] = c;
    }
  }
}

/**
 * Typography for a request that carries text: the title on a dark scrim along the bottom (up to two balanced
 * lines), the price in a pill of the brand's first colour above it, the discount in a round badge of the brand's
 * second colour at the top right. Everything scales with the image and is pure arithmetic, so deterministic.
 */
export function drawCreativeOverlay(canvas: OverlayCanvas, text: CreativeText, colours: OverlayColours): void {
  const { width: w, height: h } = canvas;
  const s = min(w, h);
  const title = normaliseText(text.title);
  const price = normaliseText(text.price);
  const discount = normaliseText(text.discount);
  const margin = s * 0.05;

  let bottom = h - margin;
  if (title) {
    const lines = balanceLines(title, 2);
    const panelH = s * (lines.length > 1 ? 0.24 : 0.15);
    const y0 = bottom - panelH;
    canvas.rect(
      margin + s * 0.008,
      y0 + s * 0.01,
      w - margin + s * 0.008,
      bottom + s * 0.01,
      colours.shadow,
      0.35,
      s * 0.03,
    );
    canvas.rect(margin, y0, w - margin, bottom, mixRgb(colours.shadow, [0, 0, 0], 0.5), 0.72, s * 0.03);
    const pad = panelH * 0.16;
    drawText(
      canvas,
      lines,
      { x0: margin + pad * 1.5, y0: y0 + pad, x1: w - margin - pad * 1.5, y1: bottom - pad },
      mixRgb(colours.highlight, [255, 255, 255], 0.75),
    );
    bottom = y0 - s * 0.03;
  }
  if (price) {
    const pillH = s * 0.11;
    const textH = pillH * 0.58;
    const unit = textH / GLYPH_HEIGHT;
    const pillW = min(w - 2 * margin, textWidth(price) * unit + pillH * 0.9);
    const y0 = bottom - pillH;
    canvas.rect(margin, y0, margin + pillW, bottom, colours.primary, 1, pillH / 2);
    drawText(
      canvas,
      [price],
      {
        x0: margin + pillH * 0.4,
        y0: y0 + (pillH - textH) / 2,
        x1: margin + pillW - pillH * 0.4,
        y1: bottom - (pillH - textH) / 2,
      },
      textOn(colours.primary),
    );
  }
  if (discount) {
    const r = s * 0.14;
    const cx = w - margin - r;
    const cy = margin + r;
    canvas.circle(cx + s * 0.01, cy + s * 0.012, r, colours.shadow, 0.35, s * 0.02);
    canvas.circle(cx, cy, r, colours.accent, 1);
    canvas.circle(cx, cy, r * 0.86, mixRgb(colours.accent, textOn(colours.accent), 0.25), 0.35, 1);
    canvas.circle(cx, cy, r * 0.8, colours.accent, 1);
    drawText(
      canvas,
      [discount],
      { x0: cx - r * 0.7, y0: cy - r * 0.45, x1: cx + r * 0.7, y1: cy + r * 0.45 },
      textOn(colours.accent),
    );
  }
}
