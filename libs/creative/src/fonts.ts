import { readFileSync } from 'node:fs';

/**
 * Advance widths read straight from a TrueType file (cmap + hmtx), so line breaking and auto-fit are computed
 * without rendering. Kerning is ignored; layouts keep a small slack for it.
 */
export interface FontMetrics {
  family: string;
  weight: number;
  file: string;
  unitsPerEm: number;
  ascender: number;
  descender: number;
  advance(codePoint: number): number;
}

function parseTtf(file: string, family: string, weight: number): FontMetrics {
  const buf = readFileSync(file);
  const numTables = buf.readUInt16BE(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
  }
  const need = (tag: string): number => {
    const off = tables.get(tag);
    if (off === undefined) throw new Error(`${file}: no ${tag} table`);
    return off;
  };
  const head = need('head');
  const unitsPerEm = buf.readUInt16BE(head + 18);
  const hhea = need('hhea');
  const ascender = buf.readInt16BE(hhea + 4);
  const descender = buf.readInt16BE(hhea + 6);
  const numberOfHMetrics = buf.readUInt16BE(hhea + 34);
  const hmtx = need('hmtx');
  const widthOfGlyph = (g: number): number => buf.readUInt16BE(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));
  const glyphOf = new Map<number, number>();
  const cmap = need('cmap');
  const subtables = buf.readUInt16BE(cmap + 2);
  let chosen = -1;
  let chosenFormat = 0;
  for (let i = 0; i < subtables; i++) {
    const platform = buf.readUInt16BE(cmap + 4 + i * 8);
    const encoding = buf.readUInt16BE(cmap + 6 + i * 8);
    const off = cmap + buf.readUInt32BE(cmap + 8 + i * 8);
    const format = buf.readUInt16BE(off);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 || (format === 4 && chosenFormat !== 12)) {
      chosen = off;
      chosenFormat = format;
    }
  }
  if (chosen < 0) throw new Error(`${file}: no Unicode cmap`);
  if (chosenFormat === 4) {
    const segX2 = buf.readUInt16BE(chosen + 6);
    const ends = chosen + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const rangeOffsets = deltas + segX2;
    for (let s = 0; s < segX2 / 2; s++) {
      const end = buf.readUInt16BE(ends + 2 * s);
      const start = buf.readUInt16BE(starts + 2 * s);
      const delta = buf.readInt16BE(deltas + 2 * s);
      const ro = buf.readUInt16BE(rangeOffsets + 2 * s);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let g: number;
        if (ro === 0) g = (c + delta) & 0xffff;
        else {
          const at = rangeOffsets + 2 * s + ro + 2 * (c - start);
          g = buf.readUInt16BE(at);
          if (g !== 0) g = (g + delta) & 0xffff;
        }
        if (g !== 0) glyphOf.set(c, g);
      }
    }
  } else {
    const groups = buf.readUInt32BE(chosen + 12);
    for (let i = 0; i < groups; i++) {
      const rec = chosen + 16 + i * 12;
      const start = buf.readUInt32BE(rec);
      const end = buf.readUInt32BE(rec + 4);
      const glyph = buf.readUInt32BE(rec + 8);
      for (let c = start; c <= end; c++) glyphOf.set(c, glyph + (c - start));
    }
  }
  const fallback = widthOfGlyph(glyphOf.get(0x6f) ?? 0);
  return {
    family,
    weight,
    file,
    unitsPerEm,
    ascender,
    descender,
    advance: (cp) => {
      const g = glyphOf.get(cp);
      return g === undefined ? fallback : widthOfGlyph(g);
    },
  };
}

/** Font files the text layer sets type with: Debian's fonts-roboto-unhinted, DejaVu as the always-there fallback. */
export const FONT_FILES = {
  bold: [
    ['Roboto', 700, '/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf'],
    ['DejaVu Sans', 700, '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  ],
  black: [
    ['Roboto', 900, '/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Black.ttf'],
    ['DejaVu Sans', 700, '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  ],
  regular: [
    ['Roboto', 400, '/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf'],
    ['DejaVu Sans', 400, '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, number, string]>>;

export type FontRole = keyof typeof FONT_FILES;

const DEJAVU = '/usr/share/fonts/truetype/dejavu';
const ROBOTO = '/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF';

/**
 * The font families a brand kit may choose: installed Debian fonts with full Cyrillic (fonts-roboto-unhinted,
 * fonts-dejavu-core/-extra). Anything else is refused at the edge (`unknown_font`), so the SVG renderer never falls
 * back to a font whose metrics the layout did not measure.
 */
export const BRAND_FONTS: Readonly<Record<string, Record<FontRole, readonly [number, string]>>> = {
  Roboto: {
    regular: [400, `${ROBOTO}/Roboto-Regular.ttf`],
    bold: [700, `${ROBOTO}/Roboto-Bold.ttf`],
    black: [900, `${ROBOTO}/Roboto-Black.ttf`],
  },
  'DejaVu Sans': {
    regular: [400, `${DEJAVU}/DejaVuSans.ttf`],
    bold: [700, `${DEJAVU}/DejaVuSans-Bold.ttf`],
    black: [700, `${DEJAVU}/DejaVuSans-Bold.ttf`],
  },
  'DejaVu Sans Condensed': {
    regular: [400, `${DEJAVU}/DejaVuSansCondensed.ttf`],
    bold: [700, `${DEJAVU}/DejaVuSansCondensed-Bold.ttf`],
    black: [700, `${DEJAVU}/DejaVuSansCondensed-Bold.ttf`],
  },
  'DejaVu Serif': {
    regular: [400, `${DEJAVU}/DejaVuSerif.ttf`],
    bold: [700, `${DEJAVU}/DejaVuSerif-Bold.ttf`],
    black: [700, `${DEJAVU}/DejaVuSerif-Bold.ttf`],
  },
};

/** The allow-listed family with this name (case-insensitive), or undefined. */
export function brandFont(name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  return Object.keys(BRAND_FONTS).find((f) => f.toLowerCase() === wanted);
}

/** A brand's choice: headline family (black and bold roles) and body family (regular role). */
export interface FontChoice {
  headline?: string;
  body?: string;
}

const loaded = new Map<string, FontMetrics>();

/**
 * The first installed font for a role; throws when none is (the text layer cannot work without fonts). With a
 * brand's choice, its allow-listed family for the role is tried first.
 */
export function fontFor(role: FontRole, choice?: FontChoice): FontMetrics {
  const wanted = choice && brandFont((role === 'regular' ? (choice.body ?? choice.headline) : choice.headline) ?? '');
  const key = `${role}:${wanted ?? ''}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const errors: string[] = [];
  const candidates: Array<readonly [string, number, string]> = [
    ...(wanted ? [[wanted, ...BRAND_FONTS[wanted][role]] as const] : []),
    ...FONT_FILES[role],
  ];
  for (const [family, weight, file] of candidates) {
    try {
      const metrics = parseTtf(file, family, weight);
      loaded.set(key, metrics);
      return metrics;
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  throw new Error(`no font for ${role}: ${errors.join('; ')}`);
}

/** Width in pixels of a single line set at `size` px. */
export function measure(font: FontMetrics, text: string, size: number, letterSpacing = 0): number {
  let units = 0;
  let count = 0;
  for (const ch of text) {
    units += font.advance(ch.codePointAt(0) ?? 0x20);
    count++;
  }
  return (units / font.unitsPerEm) * size + letterSpacing * Math.max(0, count - 1);
}
