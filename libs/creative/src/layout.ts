import type { BriefText } from './brief';
import { fontFor as installedFont, measure, type FontChoice, type FontMetrics, type FontRole } from './fonts';
import type { SafeZone } from './formats';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type TextField = 'headline' | 'subline' | 'price' | 'oldPrice' | 'discount' | 'promoCode' | 'deadline' | 'cta';

/** One set piece of text: its lines, size and the box they occupy. */
export interface PlacedText {
  field: TextField;
  text: string;
  lines: string[];
  fontSize: number;
  role: FontRole;
  family: string;
  weight: number;
  box: Box;
  align: 'start' | 'middle';
  /** Drawn on a shape of its own (badge, button, promo frame) rather than straight on the picture. */
  shape?: { kind: 'circle' | 'pill' | 'frame'; box: Box };
  strike?: boolean;
}

export interface Layout {
  width: number;
  height: number;
  safe: SafeZone;
  /** Where the subject goes: the space the text leaves (and the logo, when there is one). */
  art: Box;
  texts: PlacedText[];
  /** Where the brand logo goes: a square slot in a corner of the safe zone, clear of text and subject. */
  logo?: Box;
  fonts?: FontChoice;
}

/*
 * The brand's fonts for the layout being computed. layoutCreative is synchronous from start to end, so no other
 * layout can run while this is set; it saves threading the choice through every helper.
 */
let activeFonts: FontChoice | undefined;
const fontFor = (role: FontRole): FontMetrics => installedFont(role, activeFonts);

export interface FitProblem {
  field: TextField;
  /** Characters of this text that fit at the minimum size in the space the format gives it. */
  fits: number;
  length: number;
}

export class TextDoesNotFit extends Error {
  constructor(readonly problems: FitProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.length} characters, at most ${p.fits} fit`).join('; '));
  }
}

interface Spec {
  field: TextField;
  role: FontRole;
  /** Size range as shares of the layout unit. */
  max: number;
  min: number;
  maxLines: number;
}

const SPECS: Record<TextField, Spec> = {
  headline: { field: 'headline', role: 'black', max: 0.095, min: 0.032, maxLines: 4 },
  subline: { field: 'subline', role: 'regular', max: 0.048, min: 0.03, maxLines: 2 },
  deadline: { field: 'deadline', role: 'bold', max: 0.044, min: 0.03, maxLines: 2 },
  price: { field: 'price', role: 'black', max: 0.105, min: 0.045, maxLines: 1 },
  oldPrice: { field: 'oldPrice', role: 'regular', max: 0.055, min: 0.03, maxLines: 1 },
  discount: { field: 'discount', role: 'black', max: 0.075, min: 0.03, maxLines: 1 },
  promoCode: { field: 'promoCode', role: 'bold', max: 0.042, min: 0.028, maxLines: 1 },
  cta: { field: 'cta', role: 'bold', max: 0.045, min: 0.03, maxLines: 1 },
};

/** Absolute floor: nothing is set smaller than this many pixels, whatever the format. */
const MIN_PX = 18;
const LINE_HEIGHT = 1.12;
const SLACK = 1.03;

/** Greedy word wrap; a single word wider than the line is cut by characters. */
export function wrap(font: FontMetrics, text: string, size: number, width: number): string[] {
  const words = text.split(/\s+/u).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  const fits = (s: string): boolean => measure(font, s, size) * SLACK <= width;
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (fits(next)) {
      line = next;
      continue;
    }
    if (line) lines.push(line);
    if (fits(word)) {
      line = word;
      continue;
    }
    let part = '';
    for (const ch of word) {
      if (!fits(part + ch) && part) {
        lines.push(part);
        part = '';
      }
      part += ch;
    }
    line = part;
  }
  if (line) lines.push(line);
  return lines;
}

interface Fitted {
  lines: string[];
  size: number;
}

/** The largest size in [min, max] at which the text wraps into at most maxLines lines of `width`. */
function fitText(spec: Spec, text: string, unit: number, width: number, scale: number): Fitted | undefined {
  const font = fontFor(spec.role);
  const max = Math.max(MIN_PX, spec.max * unit * scale);
  const min = Math.max(MIN_PX, spec.min * unit);
  for (let size = max; size >= min - 0.01; size = size > min ? Math.max(min, size * 0.92) : min - 1) {
    const lines = wrap(font, text, size, width);
    if (lines.length <= spec.maxLines) return { lines, size: Math.round(size * 10) / 10 };
  }
  return undefined;
}

/** How many leading characters of the text fit in maxLines at the minimum size. */
function charsThatFit(spec: Spec, text: string, unit: number, width: number): number {
  const font = fontFor(spec.role);
  const min = Math.max(MIN_PX, spec.min * unit);
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (wrap(font, chars.slice(0, mid).join(''), min, width).length <= spec.maxLines) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const heightOf = (f: Fitted): number => f.lines.length * f.size * LINE_HEIGHT;

/**
 * Places the brief's text inside the safe zone and leaves the rest to the subject. Portrait and square formats stack
 * headline on top and price/CTA at the bottom; wide ones put the text in a left column. Sizes shrink together until
 * everything fits; text that does not fit even at the minimum size throws TextDoesNotFit (with how much would).
 */
export function layoutCreative(
  width: number,
  height: number,
  safe: SafeZone,
  brief: BriefText,
  brand: { fonts?: FontChoice; logo?: boolean } = {},
): Layout {
  activeFonts = brand.fonts;
  try {
    const layout = layoutWithFonts(width, height, safe, brief);
    const fonts = brand.fonts ? { fonts: brand.fonts } : {};
    return brand.logo ? { ...withLogoSlot(layout), ...fonts } : { ...layout, ...fonts };
  } finally {
    activeFonts = undefined;
  }
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The text's own footprint: its shape when it has one (badge, button), else its box with a little air. */
function footprint(t: PlacedText): Box {
  if (t.shape) return t.shape.box;
  const pad = Math.max(10, t.fontSize * 0.35);
  return { x: t.box.x - pad, y: t.box.y - pad, w: t.box.w + 2 * pad, h: t.box.h + 2 * pad };
}

/**
 * Finds the logo a corner of the safe zone that no text uses and takes it out of the subject's space: the corner
 * whose removal leaves the art box largest. The slot is about 13% of the short side (never under 48 px).
 */
function withLogoSlot(layout: Layout): Layout {
  const { safe, width, height, art } = layout;
  const inner: Box = {
    x: safe.left,
    y: safe.top,
    w: width - safe.left - safe.right,
    h: height - safe.top - safe.bottom,
  };
  const size = Math.round(Math.max(48, Math.min(inner.w, inner.h) * 0.13));
  const corners: Box[] = [
    { x: inner.x + inner.w - size, y: inner.y + inner.h - size, w: size, h: size },
    { x: inner.x, y: inner.y + inner.h - size, w: size, h: size },
    { x: inner.x + inner.w - size, y: inner.y, w: size, h: size },
    { x: inner.x, y: inner.y, w: size, h: size },
  ];
  let best: { logo: Box; art: Box; area: number } | undefined;
  for (const logo of corners) {
    if (layout.texts.some((t) => overlaps(footprint(t), logo))) continue;
    const rest = artWithout(art, logo);
    const area = rest.w * rest.h;
    if (!best || area > best.area) best = { logo, art: rest, area };
  }
  // No free corner (every corner holds text): the logo goes without; the record says so by having none.
  return best ? { ...layout, logo: best.logo, art: best.art } : layout;
}

/** The largest of the four boxes left of art once the logo's slot (plus a gap) is cut away. */
function artWithout(art: Box, logo: Box): Box {
  const gap = logo.w * 0.15;
  if (!overlaps(art, logo)) return art;
  const options: Box[] = [
    { x: art.x, y: art.y, w: art.w, h: Math.max(0, logo.y - gap - art.y) },
    { x: art.x, y: logo.y + logo.h + gap, w: art.w, h: Math.max(0, art.y + art.h - (logo.y + logo.h + gap)) },
    { x: art.x, y: art.y, w: Math.max(0, logo.x - gap - art.x), h: art.h },
    { x: logo.x + logo.w + gap, y: art.y, w: Math.max(0, art.x + art.w - (logo.x + logo.w + gap)), h: art.h },
  ];
  return options.reduce((a, b) => (b.w * b.h > a.w * a.h ? b : a));
}

function layoutWithFonts(width: number, height: number, safe: SafeZone, brief: BriefText): Layout {
  const inner: Box = {
    x: safe.left,
    y: safe.top,
    w: width - safe.left - safe.right,
    h: height - safe.top - safe.bottom,
  };
  const wide = inner.w / inner.h >= 1.6;
  const unit = wide ? Math.min(inner.h * 1.25, Math.min(width, height)) : Math.min(width, height);
  const columnW = wide ? inner.w * 0.58 : inner.w;
  // The badge is a share of the format, but never smaller than its text at the minimum size needs (small formats).
  const badgeText = brief.discount
    ? (measure(fontFor('black'), brief.discount, Math.max(MIN_PX, SPECS.discount.min * unit)) * SLACK) / 0.74 + 2
    : 0;
  const badgeD = brief.discount
    ? Math.round(Math.min(Math.max(unit * 0.24, badgeText), Math.max(inner.w * 0.3, Math.min(inner.h, inner.w * 0.45))))
    : 0;
  const gap = Math.round(unit * 0.025);

  // Fit widths first at full scale: a text that cannot fit at the minimum size is refused, not shrunk away.
  const headlineW = wide ? columnW : inner.w - (badgeD ? badgeD + gap : 0);
  const problems: FitProblem[] = [];
  const widthFor: Record<TextField, number> = {
    headline: headlineW,
    subline: columnW,
    deadline: columnW,
    price: columnW * 0.62,
    oldPrice: columnW * 0.36,
    discount: badgeD * 0.74,
    promoCode: columnW * 0.55,
    cta: columnW * 0.4,
  };
  for (const field of Object.keys(SPECS) as TextField[]) {
    const text = textOf(field, brief);
    if (!text) continue;
    if (!fitText(SPECS[field], text, unit, widthFor[field], 1)) {
      problems.push({ field, fits: charsThatFit(SPECS[field], text, unit, widthFor[field]), length: [...text].length });
    }
  }
  if (problems.length > 0) throw new TextDoesNotFit(problems);

  for (let scale = 1; ; scale *= 0.9) {
    const fitted = new Map<TextField, Fitted>();
    for (const field of Object.keys(SPECS) as TextField[]) {
      const text = textOf(field, brief);
      if (!text) continue;
      const f = fitText(SPECS[field], text, unit, widthFor[field], scale) as Fitted;
      fitted.set(field, f);
    }
    const placed = wide
      ? placeWide(inner, columnW, badgeD, gap, fitted, brief)
      : placeTall(inner, badgeD, gap, fitted, brief);
    const minArt = wide ? inner.w * 0.3 : inner.h * 0.22;
    const artSize = wide ? placed.art.w : placed.art.h;
    if ((artSize >= minArt && !placed.overflow) || scale < 0.3) {
      return { width, height, safe, art: placed.art, texts: placed.texts };
    }
  }
}

function textOf(field: TextField, brief: BriefText): string {
  if (field === 'promoCode') return brief.promoCode ? `Промокод ${brief.promoCode}` : '';
  return brief[field];
}

function placed(
  field: TextField,
  f: Fitted,
  text: string,
  x: number,
  y: number,
  w: number,
  align: PlacedText['align'] = 'start',
): PlacedText {
  const font = fontFor(SPECS[field].role);
  const measured = Math.max(...f.lines.map((l) => measure(font, l, f.size)));
  return {
    field,
    text,
    lines: f.lines,
    fontSize: f.size,
    role: SPECS[field].role,
    family: font.family,
    weight: font.weight,
    box: { x, y, w: align === 'middle' ? w : Math.min(w, measured), h: heightOf(f) },
    align,
  };
}

function badge(f: Fitted, brief: BriefText, x: number, y: number, d: number): PlacedText {
  const t = placed('discount', f, brief.discount, x + d * 0.13, y + d / 2 - heightOf(f) / 2, d * 0.74, 'middle');
  return { ...t, shape: { kind: 'circle', box: { x, y, w: d, h: d } } };
}

function bottomRow(
  inner: Box,
  left: number,
  bottom: number,
  width: number,
  gap: number,
  fitted: Map<TextField, Fitted>,
  brief: BriefText,
): { texts: PlacedText[]; top: number } {
  const texts: PlacedText[] = [];
  let cursor = bottom;
  const cta = fitted.get('cta');
  const promo = fitted.get('promoCode');
  if (cta || promo) {
    const pad = Math.round(((cta ?? promo) as Fitted).size * 0.55);
    const rowH = Math.max(cta ? heightOf(cta) : 0, promo ? heightOf(promo) : 0) + 2 * pad;
    const top = cursor - rowH;
    if (cta) {
      const w = measure(fontFor('bold'), cta.lines[0], cta.size) * SLACK + 2.4 * pad;
      // Beside a promo code the button closes the row on the right; alone it follows the price on the left.
      const x = promo ? left + width - w : left;
      const t = placed('cta', cta, brief.cta, x + 1.2 * pad, top + (rowH - heightOf(cta)) / 2, w - 2.4 * pad, 'middle');
      texts.push({ ...t, shape: { kind: 'pill', box: { x, y: top, w, h: rowH } } });
    }
    if (promo) {
      const w = measure(fontFor('bold'), promo.lines[0], promo.size) * SLACK + 2 * pad;
      const t = placed(
        'promoCode',
        promo,
        `Промокод ${brief.promoCode}`,
        left + pad,
        top + (rowH - heightOf(promo)) / 2,
        w - 2 * pad,
        'middle',
      );
      texts.push({ ...t, shape: { kind: 'frame', box: { x: left, y: top, w, h: rowH } } });
    }
    cursor = top - gap;
  }
  const price = fitted.get('price');
  const old = fitted.get('oldPrice');
  if (price || old) {
    const rowH = Math.max(price ? heightOf(price) : 0, old ? heightOf(old) : 0);
    const top = cursor - rowH;
    let x = left;
    if (price) {
      const t = placed('price', price, brief.price, x, top, width);
      texts.push(t);
      x += t.box.w + gap;
    }
    if (old) {
      const oy = price ? top + heightOf(price) - heightOf(old) - price.size * 0.1 : top;
      texts.push({ ...placed('oldPrice', old, brief.oldPrice, x, oy, width - (x - left)), strike: true });
    }
    cursor = top - gap;
  }
  void inner;
  return { texts, top: cursor };
}

function placeTall(inner: Box, badgeD: number, gap: number, fitted: Map<TextField, Fitted>, brief: BriefText) {
  const texts: PlacedText[] = [];
  let y = inner.y;
  const d = fitted.get('discount');
  if (d && badgeD) texts.push(badge(d, brief, inner.x + inner.w - badgeD, inner.y, badgeD));
  for (const field of ['headline', 'subline', 'deadline'] as const) {
    const f = fitted.get(field);
    if (!f) continue;
    texts.push(
      placed(field, f, brief[field], inner.x, y, field === 'headline' && badgeD ? inner.w - badgeD - gap : inner.w),
    );
    y += heightOf(f) + gap;
  }
  const topEnd = Math.max(y, badgeD ? inner.y + badgeD + gap : inner.y);
  const bottom = bottomRow(inner, inner.x, inner.y + inner.h, inner.w, gap, fitted, brief);
  texts.push(...bottom.texts);
  const art: Box = { x: inner.x, y: topEnd, w: inner.w, h: Math.max(0, bottom.top - topEnd) };
  return { texts, art, overflow: topEnd > bottom.top + gap };
}

function placeWide(
  inner: Box,
  columnW: number,
  badgeD: number,
  gap: number,
  fitted: Map<TextField, Fitted>,
  brief: BriefText,
) {
  const texts: PlacedText[] = [];
  let y = inner.y;
  for (const field of ['headline', 'subline', 'deadline'] as const) {
    const f = fitted.get(field);
    if (!f) continue;
    texts.push(placed(field, f, brief[field], inner.x, y, columnW));
    y += heightOf(f) + gap;
  }
  const bottom = bottomRow(inner, inner.x, inner.y + inner.h, columnW, gap, fitted, brief);
  texts.push(...bottom.texts);
  const artX = inner.x + columnW + gap;
  const art: Box = { x: artX, y: inner.y, w: Math.max(0, inner.x + inner.w - artX), h: inner.h };
  const d = fitted.get('discount');
  if (d && badgeD) {
    texts.push(badge(d, brief, inner.x + inner.w - badgeD, inner.y, badgeD));
  }
  return { texts, art, overflow: y > bottom.top + gap };
}
