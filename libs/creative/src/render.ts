import sharp from 'sharp';
import {
  WCAG_AA,
  contrastRatio,
  parseHex,
  platedLuminances,
  regionLuminances,
  relativeLuminance,
  toHex,
  worstContrast,
  type Rgb,
} from './contrast';
import { fontFor, measure, type FontChoice } from './fonts';
import type { Box, Layout, PlacedText } from './layout';

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [20, 20, 24];
const DEFAULT_PRIMARY: Rgb = [29, 53, 87];
const DEFAULT_ACCENT: Rgb = [214, 40, 57];
const LINE_HEIGHT = 1.12;

export interface TextRecord {
  field: PlacedText['field'];
  text: string;
  lines: string[];
  fontSize: number;
  font: string;
  box: Box;
  colour: string;
  /** What the text sits on: the picture itself, a plate added for contrast, or its own shape (badge, button). */
  on: 'picture' | 'plate' | 'shape';
  plate?: { colour: string; alpha: number; box: Box };
  shapeFill?: string;
  /** WCAG contrast of the text colour against the worst pixel under its box, measured on the composed image. */
  contrast: number;
  insideSafeZone: boolean;
}

/** What was set on an image and how it measured: kept with every image. */
export interface LayoutRecord {
  width: number;
  height: number;
  safe: Layout['safe'];
  art: Box;
  texts: TextRecord[];
  minContrast: number | null;
  /** The brand logo's slot (the logo is fitted inside it), when a logo was set. */
  logo?: Box;
  /** Every colour the layer chose (text, plates, shapes), #rrggbb, unique. */
  colours: string[];
  /** Font families used. */
  fonts: string[];
}

interface Decision {
  text: PlacedText;
  colour: Rgb;
  plate?: { colour: Rgb; alpha: number; box: Box };
  fill?: Rgb;
}

const round = (v: number): number => Math.round(v * 10) / 10;
const roundBox = (b: Box): Box => ({ x: round(b.x), y: round(b.y), w: round(b.w), h: round(b.h) });

const escapeXml = (s: string): string =>
  s.replace(/[<>&"']/gu, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** Text colour with the better contrast on a flat fill; the fill itself is darkened until one reaches AA. */
function onFill(fill: Rgb): { fill: Rgb; colour: Rgb } {
  let f = fill;
  for (let i = 0; i < 12; i++) {
    const best = contrastRatio(WHITE, f) >= contrastRatio(INK, f) ? WHITE : INK;
    if (contrastRatio(best, f) >= WCAG_AA) return { fill: f, colour: best };
    f = [f[0] * 0.85, f[1] * 0.85, f[2] * 0.85].map(Math.round) as unknown as Rgb;
  }
  return { fill: f, colour: WHITE };
}

const padded = (b: Box, pad: number): Box => ({ x: b.x - pad, y: b.y - pad, w: b.w + 2 * pad, h: b.h + 2 * pad });

/** Picks a colour for text on the picture, or the lightest plate that lifts the worst pixel to AA. */
function decideFree(
  text: PlacedText,
  rgb: Buffer,
  width: number,
  height: number,
  palette: Rgb[],
  forcePlate: boolean,
  brand: boolean,
): Decision {
  const lum = regionLuminances({ data: rgb, width, height, ...padded(text.box, text.fontSize * 0.1) });
  const candidates: Rgb[] = [WHITE, INK, ...palette];
  if (!forcePlate) {
    // A brand kit's own colours come first whenever one of them is legible; white and ink are the fallback.
    if (brand) {
      const own = palette
        .map((c) => ({ c, wc: worstContrast(relativeLuminance(c), lum) }))
        .sort((a, b) => b.wc - a.wc)[0];
      if (own && own.wc >= WCAG_AA + 0.2) return { text, colour: own.c };
    }
    let best: Rgb = WHITE;
    let bestC = 0;
    for (const c of candidates) {
      const wc = worstContrast(relativeLuminance(c), lum);
      if (wc > bestC) [best, bestC] = [c, wc];
    }
    if (bestC >= WCAG_AA + 0.2) return { text, colour: best };
  }
  const plateBox = padded(text.box, Math.max(8, text.fontSize * 0.3));
  // With a brand kit, plates are its darkest and lightest colours (when they carry white or ink text legibly).
  const byLum = [...palette].sort((a, b) => relativeLuminance(a) - relativeLuminance(b));
  const brandPlates: Array<readonly [Rgb, Rgb]> = brand
    ? (
        [
          [WHITE, byLum[0]],
          [INK, byLum[byLum.length - 1]],
        ] as Array<readonly [Rgb, Rgb | undefined]>
      ).filter((p): p is readonly [Rgb, Rgb] => p[1] !== undefined && contrastRatio(p[0], p[1]) >= WCAG_AA + 0.5)
    : [];
  for (const alpha of [0.55, 0.7, 0.82, 0.92, 1]) {
    for (const [colour, plate] of [
      ...brandPlates,
      [WHITE, [12, 12, 16] as Rgb] as const,
      [INK, [250, 250, 248] as Rgb] as const,
    ]) {
      const plated = platedLuminances(lum, plate, alpha);
      if (worstContrast(relativeLuminance(colour), plated) >= WCAG_AA + 0.5 || alpha === 1) {
        return { text, colour, plate: { colour: plate, alpha: forcePlate ? 1 : alpha, box: plateBox } };
      }
    }
  }
  return { text, colour: WHITE, plate: { colour: [12, 12, 16], alpha: 1, box: plateBox } };
}

function shapesSvg(width: number, height: number, decisions: Decision[], primary: Rgb): string {
  const parts: string[] = [];
  for (const d of decisions) {
    if (d.plate) {
      const b = d.plate.box;
      parts.push(
        `<rect x="${round(b.x)}" y="${round(b.y)}" width="${round(b.w)}" height="${round(b.h)}" rx="${round(Math.min(b.h / 4, 18))}" fill="${toHex(d.plate.colour)}" fill-opacity="${d.plate.alpha}"/>`,
      );
    }
    const s = d.text.shape;
    if (!s || !d.fill) continue;
    const b = s.box;
    if (s.kind === 'circle') {
      parts.push(
        `<circle cx="${round(b.x + b.w / 2)}" cy="${round(b.y + b.h / 2)}" r="${round(b.w / 2)}" fill="${toHex(d.fill)}"/>`,
      );
    } else if (s.kind === 'pill') {
      parts.push(
        `<rect x="${round(b.x)}" y="${round(b.y)}" width="${round(b.w)}" height="${round(b.h)}" rx="${round(b.h / 2)}" fill="${toHex(d.fill)}"/>`,
      );
    } else {
      const sw = Math.max(2, round(b.h * 0.05));
      parts.push(
        `<rect x="${round(b.x)}" y="${round(b.y)}" width="${round(b.w)}" height="${round(b.h)}" rx="${round(b.h / 5)}" fill="${toHex(d.fill)}" stroke="${toHex(primary)}" stroke-width="${sw}" stroke-dasharray="${sw * 3} ${sw * 2}"/>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

function textSvg(width: number, height: number, decisions: Decision[], fonts?: FontChoice): string {
  const parts: string[] = [];
  for (const { text: t, colour } of decisions) {
    const font = fontFor(t.role, fonts);
    const ascent = (font.ascender / font.unitsPerEm) * t.fontSize;
    const descent = (-font.descender / font.unitsPerEm) * t.fontSize;
    const lineH = t.fontSize * LINE_HEIGHT;
    const x = t.align === 'middle' ? t.box.x + t.box.w / 2 : t.box.x;
    const anchor = t.align === 'middle' ? 'middle' : 'start';
    t.lines.forEach((line, i) => {
      // Centre the glyphs' ascent+descent in each line box.
      const baseline = t.box.y + i * lineH + (lineH - (ascent + descent)) / 2 + ascent;
      parts.push(
        `<text x="${round(x)}" y="${round(baseline)}" font-family="${escapeXml(font.family)}" font-weight="${font.weight}" font-size="${t.fontSize}" fill="${toHex(colour)}" text-anchor="${anchor}">${escapeXml(line)}</text>`,
      );
      if (t.strike) {
        const w = measure(font, line, t.fontSize);
        const y = baseline - t.fontSize * 0.3;
        parts.push(
          `<line x1="${round(x - 2)}" y1="${round(y)}" x2="${round(x + w + 2)}" y2="${round(y)}" stroke="${toHex(colour)}" stroke-width="${round(Math.max(2, t.fontSize * 0.08))}"/>`,
        );
      }
    });
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Where a text's contrast is measured: its box, kept within the inside of its own shape (a badge's circle). */
function measuredBox(t: PlacedText): Box {
  const s = t.shape;
  if (!s) return t.box;
  const inner =
    s.kind === 'circle'
      ? { x: s.box.x + s.box.w * 0.15, y: s.box.y + s.box.h * 0.15, w: s.box.w * 0.7, h: s.box.h * 0.7 }
      : { x: s.box.x + s.box.h * 0.3, y: s.box.y + s.box.h * 0.12, w: s.box.w - s.box.h * 0.6, h: s.box.h * 0.76 };
  const x = Math.max(inner.x, t.box.x);
  const y = Math.max(inner.y, t.box.y);
  return {
    x,
    y,
    w: Math.max(1, Math.min(inner.x + inner.w, t.box.x + t.box.w) - x),
    h: Math.max(1, Math.min(inner.y + inner.h, t.box.y + t.box.h) - y),
  };
}

const inside = (b: Box, layout: Layout): boolean =>
  b.x >= layout.safe.left - 0.5 &&
  b.y >= layout.safe.top - 0.5 &&
  b.x + b.w <= layout.width - layout.safe.right + 0.5 &&
  b.y + b.h <= layout.height - layout.safe.bottom + 0.5;

export interface RenderOptions {
  /** Brand colours, most important first (#rrggbb). */
  palette: readonly string[];
  /** True when the palette is a brand kit's: its colours are preferred for text, plates, badge and button. */
  brand?: boolean;
  /** The brand logo (any format sharp reads), fitted into the layout's logo slot. */
  logo?: Buffer;
}

/**
 * Sets the layout's text on an RGB picture of the layout's size: colours chosen against the pixels under each text,
 * plates where no colour reaches 4.5:1, then every contrast measured again on the composed pixels (a text that
 * still falls short gets an opaque plate). Returns the PNG and the layout record.
 */
export async function renderTextLayer(
  picture: { data: Buffer; width: number; height: number },
  layout: Layout,
  options: RenderOptions,
): Promise<{ png: Buffer; record: LayoutRecord; layers: { shapes: string; text: string } }> {
  const { width, height } = picture;
  if (width !== layout.width || height !== layout.height) throw new Error('picture and layout sizes differ');
  const palette = options.palette.map(parseHex).filter((c): c is Rgb => c !== undefined);
  const primary = palette[0] ?? DEFAULT_PRIMARY;
  const accent = palette[1] ?? (palette[0] ? DEFAULT_ACCENT : DEFAULT_ACCENT);
  const forced = new Set<number>();
  let decisions: Decision[] = [];
  let composed: Buffer = picture.data;
  let shapesMarkup = '';
  for (let pass = 0; pass < 3; pass++) {
    decisions = layout.texts.map((t, i) => {
      if (t.shape) {
        const base = t.shape.kind === 'circle' ? accent : t.shape.kind === 'pill' ? primary : ([252, 252, 250] as Rgb);
        const { fill, colour } = onFill(base);
        return { text: t, colour, fill };
      }
      return decideFree(t, picture.data, width, height, palette, forced.has(i), options.brand === true);
    });
    shapesMarkup = shapesSvg(width, height, decisions, primary);
    const shapes = Buffer.from(shapesMarkup);
    composed = await sharp(picture.data, { raw: { width, height, channels: 3 } })
      .composite([{ input: shapes, top: 0, left: 0 }])
      .removeAlpha()
      .raw()
      .toBuffer();
    let short = false;
    decisions.forEach((d, i) => {
      const c = worstContrast(
        relativeLuminance(d.colour),
        regionLuminances({ data: composed, width, height, ...measuredBox(d.text) }),
      );
      if (c < WCAG_AA && !d.text.shape && !forced.has(i)) {
        forced.add(i);
        short = true;
      }
    });
    if (!short) break;
  }
  const texts: TextRecord[] = decisions.map((d) => ({
    field: d.text.field,
    text: d.text.text,
    lines: d.text.lines,
    fontSize: d.text.fontSize,
    font: `${d.text.family} ${d.text.weight}`,
    box: roundBox(d.text.box),
    colour: toHex(d.colour),
    on: d.text.shape ? 'shape' : d.plate ? 'plate' : 'picture',
    ...(d.plate ? { plate: { colour: toHex(d.plate.colour), alpha: d.plate.alpha, box: roundBox(d.plate.box) } } : {}),
    ...(d.fill ? { shapeFill: toHex(d.fill) } : {}),
    contrast:
      Math.floor(
        worstContrast(
          relativeLuminance(d.colour),
          regionLuminances({ data: composed, width, height, ...measuredBox(d.text) }),
        ) * 100,
      ) / 100,
    insideSafeZone: inside(d.text.shape?.box ?? d.text.box, layout),
  }));
  const textMarkup = textSvg(width, height, decisions, layout.fonts);
  const logo = layout.logo && options.logo ? await fittedLogo(options.logo, layout.logo) : undefined;
  const png = await sharp(composed, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(textMarkup), top: 0, left: 0 }, ...(logo ? [logo.layer] : [])])
    .removeAlpha()
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
  return {
    png,
    layers: { shapes: shapesMarkup, text: textMarkup },
    record: {
      width,
      height,
      safe: layout.safe,
      art: roundBox(layout.art),
      texts,
      minContrast: texts.length > 0 ? Math.min(...texts.map((t) => t.contrast)) : null,
      ...(logo ? { logo: roundBox(logo.box) } : {}),
      colours: [
        ...new Set(texts.flatMap((t) => [t.colour, ...(t.plate ? [t.plate.colour] : []), t.shapeFill ?? ''])),
      ].filter((c) => c !== ''),
      fonts: [...new Set(decisions.map((d) => fontFor(d.text.role, layout.fonts).family))],
    },
  };
}

/** The logo scaled to fit its slot (aspect kept), centred in it. */
async function fittedLogo(
  bytes: Buffer,
  slot: Box,
): Promise<{ layer: { input: Buffer; top: number; left: number }; box: Box }> {
  const side = Math.max(1, Math.floor(slot.w));
  const input = await sharp(bytes, { limitInputPixels: 4096 * 4096 })
    .resize(side, Math.max(1, Math.floor(slot.h)), { fit: 'inside', withoutEnlargement: false })
    .png()
    .toBuffer({ resolveWithObject: true });
  const w = input.info.width;
  const h = input.info.height;
  const left = Math.round(slot.x + (slot.w - w) / 2);
  const top = Math.round(slot.y + (slot.h - h) / 2);
  return { layer: { input: input.data, top, left }, box: { x: left, y: top, w, h } };
}
