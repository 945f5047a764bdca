/** What a brand profile contributes to a prompt; the enhancer's brand-profiles module owns the stored form. */
export interface BrandStyle {
  id: string;
  name: string;
  styleShort: string;
  styleWords: string[];
  palette: string[];
  moodWords: string[];
  bannedWords: string[];
  composition: string;
}

// prettier-ignore
const NAMED_COLOURS: ReadonlyArray<readonly [string, number, number, number]> = [
  ['black', 0, 0, 0], ['white', 255, 255, 255], ['cream', 245, 235, 215], ['beige', 215, 195, 165],
  ['grey', 128, 128, 128], ['charcoal', 54, 69, 79], ['red', 200, 30, 40], ['burgundy', 128, 0, 32],
  ['coral', 255, 127, 80], ['orange', 245, 140, 30], ['terracotta', 205, 100, 70], ['gold', 212, 175, 55],
  ['yellow', 245, 215, 50], ['olive', 110, 120, 50], ['sage green', 150, 170, 130], ['green', 40, 150, 70],
  ['deep green', 20, 80, 50], ['mint', 170, 230, 200], ['teal', 0, 128, 128], ['turquoise', 64, 200, 200],
  ['light blue', 150, 200, 240], ['blue', 30, 90, 200], ['navy', 20, 30, 90], ['lavender', 190, 170, 230],
  ['purple', 110, 50, 160], ['pink', 245, 170, 190], ['blush pink', 240, 200, 200], ['fuchsia', 220, 40, 150],
  ['brown', 110, 70, 40], ['chocolate brown', 75, 45, 30],
];

/** "#1E5A32" → "deep green": image models understand colour words, not hex codes. */
export function colourName(hex: string): string | undefined {
  const match = /^#?([0-9a-f]{6})$/iu.exec(hex.trim());
  if (!match?.[1]) return undefined;
  const value = Number.parseInt(match[1], 16);
  const [r, g, b] = [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [name, cr, cg, cb] of NAMED_COLOURS) {
    // Weighted RGB distance ("redmean" approximation of perceived difference).
    const rm = (r + cr) / 2;
    const d = (2 + rm / 256) * (r - cr) ** 2 + 4 * (g - cg) ** 2 + (2 + (255 - rm) / 256) * (b - cb) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  return best;
}

/** Unique colour names of a palette, in palette order. */
export function paletteNames(palette: readonly string[]): string[] {
  return [...new Set(palette.map(colourName).filter((name): name is string => name !== undefined))];
}
