/**
 * A built-in 5×7 bitmap font (Latin and Cyrillic capitals, digits, price and sale signs) for the procedural
 * backend's typography. Pure data plus integer layout, so rendered text is byte-identical on every machine —
 * unlike SVG text through sharp, whose output depends on the fonts and fontconfig installed.
 */

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Columns between glyphs and the width of a space, in font pixels. */
const TRACKING = 1;
const SPACE_WIDTH = 3;

const RAW: Record<string, string> = {
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '####. #...# #...# #...# #...# #...# ####.',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  '-': '..... ..... ..... ##### ..... ..... .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  ',': '..... ..... ..... ..... .##.. ..#.. .#...',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  '/': '....# ....# ...#. ..#.. .#... #.... #....',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  "'": '..#.. ..#.. .#... ..... ..... ..... .....',
  '"': '.#.#. .#.#. .#.#. ..... ..... ..... .....',
  '₽': '.###. .#..# .#..# .###. ####. .#... .#...',
  $: '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
  '€': '..### .#... ####. .#... ####. .#... ..###',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  '*': '..... #.#.# .###. ##### .###. #.#.# .....',
  Б: '##### #.... #.... ####. #...# #...# ####.',
  Г: '##### #.... #.... #.... #.... #.... #....',
  Д: '.###. .#.#. .#.#. .#.#. .#.#. ##### #...#',
  Ж: '#.#.# #.#.# .###. ..#.. .###. #.#.# #.#.#',
  З: '.###. #...# ....# ..##. ....# #...# .###.',
  И: '#...# #...# #..## #.#.# ##..# #...# #...#',
  Й: '.#.#. ..#.. #...# #..## #.#.# ##..# #...#',
  Л: '..### .#..# .#..# .#..# .#..# .#..# #...#',
  П: '##### #...# #...# #...# #...# #...# #...#',
  У: '#...# #...# #...# .#### ....# #...# .###.',
  Ф: '..#.. .###. #.#.# #.#.# #.#.# .###. ..#..',
  Ц: '#..#. #..#. #..#. #..#. #..#. ##### ....#',
  Ч: '#...# #...# #...# .#### ....# ....# ....#',
  Ш: '#.#.# #.#.# #.#.# #.#.# #.#.# #.#.# #####',
  Щ: '#.#.# #.#.# #.#.# #.#.# #.#.# ##### ....#',
  Ъ: '##... .#... .#... .###. .#..# .#..# .###.',
  Ы: '#...# #...# #...# ##..# #.#.# #.#.# ##..#',
  Ь: '#.... #.... #.... ####. #...# #...# ####.',
  Э: '.###. #...# ....# ..### ....# #...# .###.',
  Ю: '#..#. #.#.# #.#.# ###.# #.#.# #.#.# #..#.',
  Я: '.#### #...# #...# .#### ..#.# .#..# #...#',
};

// Cyrillic capitals drawn like their Latin twins.
const ALIASES: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  Ё: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  '–': '-',
  '—': '-',
  '−': '-',
  '«': '"',
  '»': '"',
};

/** Glyph rows as bit masks (bit 4 = leftmost column). */
const GLYPHS: ReadonlyMap<string, readonly number[]> = new Map(
  Object.entries(RAW).map(([ch, rows]) => {
    if (!/^([.#]{5} ){6}[.#]{5}$/.test(rows)) throw new Error(`glyph ${ch} is not 7 rows of 5 columns`);
    const bits = rows.split(' ').map((row) => [...row].reduce((acc, c) => (acc << 1) | (c === '#' ? 1 : 0), 0));
    if (bits.length !== GLYPH_HEIGHT) throw new Error(`glyph ${ch} has ${bits.length} rows`);
    return [ch, bits];
  }),
);

/** Upper-cases, maps look-alikes, drops what the font cannot draw, collapses spaces. */
export function normaliseText(text: string): string {
  const out: string[] = [];
  for (const raw of text.normalize('NFC').toUpperCase()) {
    const ch = ALIASES[raw] ?? raw;
    if (/\s/.test(ch)) {
      if (out.length > 0 && out[out.length - 1] !== ' ') out.push(' ');
    } else if (GLYPHS.has(ch)) {
      out.push(ch);
    }
  }
  return out.join('').trim();
}

/** Width in font pixels of an already normalised line. */
export function textWidth(line: string): number {
  let w = 0;
  let first = true;
  for (const ch of line) {
    if (!first) w += TRACKING;
    w += ch === ' ' ? SPACE_WIDTH : GLYPH_WIDTH;
    first = false;
  }
  return w;
}

/** Calls `pixel(x, y)` for every lit font pixel of a normalised line, x from 0. */
export function forEachLitPixel(line: string, pixel: (x: number, y: number) => void): void {
  let x = 0;
  for (const ch of line) {
    if (ch === ' ') {
      x += SPACE_WIDTH + TRACKING;
      continue;
    }
    const rows = GLYPHS.get(ch);
    if (rows) {
      for (let y = 0; y < GLYPH_HEIGHT; y++) {
        for (let c = 0; c < GLYPH_WIDTH; c++) if ((rows[y] >> (GLYPH_WIDTH - 1 - c)) & 1) pixel(x + c, y);
      }
    }
    x += GLYPH_WIDTH + TRACKING;
  }
}

/**
 * Splits a title into at most `maxLines` lines at spaces so the widest line is as narrow as possible
 * (which makes the text as large as possible in a given box).
 */
export function balanceLines(text: string, maxLines: number): string[] {
  const words = text.split(' ').filter((w) => w.length > 0);
  if (words.length <= 1 || maxLines <= 1) return [words.join(' ')];
  let best = [words.join(' ')];
  let bestWidth = textWidth(best[0]);
  for (let cut = 1; cut < words.length; cut++) {
    const lines = [words.slice(0, cut).join(' '), words.slice(cut).join(' ')];
    const width = Math.max(...lines.map(textWidth));
    if (width < bestWidth) {
      best = lines;
      bestWidth = width;
    }
  }
  return best;
}
