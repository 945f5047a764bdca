/**
 * Colour words in a prompt → a palette for the procedural renderer.
 *
 * A palette stores hue + saturation only ("swatches"); the renderer chooses lightness per
 * image. That keeps the prompt's hue dominant while letting the n images of one request
 * differ strongly (light / dark / vivid / deep variants of the same colours).
 */

/** RGB with channels in [0, 255]; fractional values are rounded when written to pixels. */
export type Rgb = readonly [number, number, number];

/** Hue in degrees, saturation in [0, 1]. */
export interface Swatch {
  readonly hue: number;
  readonly saturation: number;
}

export interface Palette {
  /** 2–5 swatches, the most prominent (first colour word in the prompt) first. */
  readonly swatches: readonly Swatch[];
  /** Contrasting colour for small details. */
  readonly accent: Swatch;
  /** Keys of the colour entries that matched, in prompt order (empty for hash palettes). */
  readonly matched: readonly string[];
  readonly source: 'words' | 'hash';
}

interface ColourEntry {
  readonly key: string;
  /** Whole words (mostly English), matched exactly; plural -s/-es also accepted. */
  readonly words: readonly string[];
  /** Russian stems, matched as token prefixes so every case ending works. */
  readonly stems: readonly string[];
  readonly swatches: readonly Swatch[];
}

const sw = (hue: number, saturation: number): Swatch => ({ hue, saturation });

// Russian stems are chosen long enough to avoid obvious false friends
// ("море" but not "мор" → морковь; "сини" but not "син" → синхрон).
const ENTRIES: readonly ColourEntry[] = [
  {
    key: 'red',
    words: ['red', 'scarlet', 'crimson', 'cherry', 'strawberry'],
    stems: ['красн', 'алый', 'алая', 'алое', 'алые', 'алого', 'алой', 'вишн', 'клубник'],
    swatches: [sw(0, 0.78), sw(352, 0.7), sw(10, 0.8)],
  },
  {
    key: 'orange',
    words: ['orange', 'tangerine', 'apricot'],
    stems: ['оранж', 'мандарин', 'абрикос'],
    swatches: [sw(28, 0.9), sw(18, 0.85), sw(38, 0.9)],
  },
  {
    key: 'yellow',
    words: ['yellow', 'lemon', 'sunny'],
    stems: ['желт', 'лимон', 'солнечн'],
    swatches: [sw(50, 0.92), sw(44, 0.9), sw(58, 0.85)],
  },
  {
    key: 'gold',
    words: ['gold', 'golden'],
    stems: ['золот'],
    swatches: [sw(44, 0.75), sw(38, 0.65), sw(50, 0.55)],
  },
  {
    key: 'green',
    words: ['green', 'emerald', 'lime', 'olive'],
    stems: ['зелен', 'изумруд', 'оливк', 'салатов'],
    swatches: [sw(130, 0.55), sw(145, 0.5), sw(100, 0.5)],
  },
  {
    key: 'mint',
    words: ['mint', 'menthol'],
    stems: ['мят', 'ментол'],
    swatches: [sw(160, 0.5), sw(170, 0.45), sw(150, 0.4)],
  },
  {
    key: 'blue',
    words: ['blue', 'navy', 'azure', 'cobalt'],
    stems: ['сини', 'синя', 'сине', 'синю', 'голуб', 'лазур', 'кобальт'],
    swatches: [sw(215, 0.75), sw(225, 0.65), sw(200, 0.7)],
  },
  {
    key: 'turquoise',
    words: ['turquoise', 'teal', 'cyan', 'aqua'],
    stems: ['бирюз', 'аквамарин'],
    swatches: [sw(178, 0.6), sw(186, 0.55), sw(170, 0.5)],
  },
  {
    key: 'purple',
    words: ['purple', 'violet', 'lilac', 'plum'],
    stems: ['фиолет', 'сирен', 'пурпур'],
    swatches: [sw(275, 0.55), sw(265, 0.5), sw(290, 0.5)],
  },
  {
    key: 'lavender',
    words: ['lavender'],
    stems: ['лаванд'],
    swatches: [sw(265, 0.45), sw(280, 0.35), sw(250, 0.35)],
  },
  {
    key: 'pink',
    words: ['pink', 'rose', 'fuchsia', 'magenta'],
    stems: ['розов', 'фукси', 'малинов'],
    swatches: [sw(335, 0.7), sw(345, 0.65), sw(325, 0.55)],
  },
  {
    key: 'brown',
    words: ['brown', 'chocolate', 'cocoa', 'caramel'],
    stems: ['коричн', 'шоколад', 'какао', 'карамел'],
    swatches: [sw(25, 0.45), sw(20, 0.4), sw(32, 0.5)],
  },
  {
    key: 'white',
    words: ['white', 'snow', 'snowy'],
    stems: [
      'белый',
      'белая',
      'белое',
      'белые',
      'белого',
      'белой',
      'белым',
      'белую',
      'белых',
      'белоснеж',
      'снег',
      'снеж',
    ],
    swatches: [sw(210, 0.08), sw(40, 0.1)],
  },
  {
    key: 'black',
    words: ['black', 'noir'],
    stems: ['черн'],
    swatches: [sw(220, 0.08), sw(0, 0)],
  },
  {
    key: 'grey',
    words: ['grey', 'gray', 'silver', 'graphite'],
    stems: ['серый', 'серая', 'серое', 'серые', 'серого', 'серой', 'серым', 'серебр', 'графит'],
    swatches: [sw(210, 0.06), sw(0, 0)],
  },
  // Themes: words that imply a colour scheme without naming a colour.
  {
    key: 'autumn',
    words: ['autumn', 'autumnal', 'fall', 'pumpkin', 'harvest'],
    stems: ['осен', 'тыкв', 'листопад', 'урожа'],
    swatches: [sw(28, 0.85), sw(12, 0.75), sw(42, 0.85), sw(0, 0.6)],
  },
  {
    key: 'coffee',
    words: ['coffee', 'espresso', 'latte', 'cappuccino', 'mocha'],
    stems: ['кофе', 'кофейн', 'эспрессо', 'латте', 'капучино', 'мокко'],
    swatches: [sw(25, 0.45), sw(30, 0.35), sw(36, 0.5)],
  },
  {
    key: 'sea',
    words: ['sea', 'ocean', 'marine', 'nautical', 'wave'],
    stems: ['море', 'моря', 'морю', 'морем', 'морск', 'океан', 'волн'],
    swatches: [sw(200, 0.7), sw(190, 0.6), sw(215, 0.65), sw(178, 0.5)],
  },
  {
    key: 'sky',
    words: ['sky', 'skies', 'cloud', 'cloudy'],
    stems: ['небо', 'неба', 'небес', 'облак'],
    swatches: [sw(205, 0.65), sw(195, 0.55), sw(215, 0.45)],
  },
  {
    key: 'forest',
    words: ['forest', 'jungle', 'leaf', 'leaves', 'nature', 'лес'],
    stems: ['леса', 'лесу', 'лесн', 'лесом', 'лесов', 'джунгл', 'листв', 'природ'],
    swatches: [sw(135, 0.45), sw(110, 0.4), sw(90, 0.35)],
  },
  {
    key: 'sunset',
    words: ['sunset', 'sunrise', 'dawn', 'dusk'],
    stems: ['закат', 'рассвет', 'сумерк'],
    swatches: [sw(20, 0.85), sw(340, 0.6), sw(40, 0.9), sw(280, 0.45)],
  },
  {
    key: 'winter',
    words: ['winter', 'ice', 'icy', 'frost', 'frozen'],
    stems: ['зим', 'лед', 'мороз', 'иней'],
    swatches: [sw(200, 0.45), sw(210, 0.3), sw(190, 0.35)],
  },
  {
    key: 'spring',
    words: ['spring', 'blossom', 'bloom'],
    stems: ['весн', 'цветен', 'цветущ'],
    swatches: [sw(100, 0.55), sw(330, 0.55), sw(60, 0.6)],
  },
  {
    key: 'summer',
    words: ['summer', 'tropical', 'лето', 'летом'],
    stems: ['летн', 'тропич'],
    swatches: [sw(48, 0.9), sw(190, 0.7), sw(120, 0.55)],
  },
  {
    key: 'night',
    words: ['night', 'midnight', 'moon', 'starry'],
    stems: ['ночь', 'ночн', 'ночи', 'полноч', 'лун'],
    swatches: [sw(235, 0.55), sw(250, 0.45), sw(220, 0.5)],
  },
  {
    key: 'fire',
    words: ['fire', 'flame', 'flames', 'spicy'],
    stems: ['огон', 'огн', 'плам', 'острый', 'острая'],
    swatches: [sw(15, 0.95), sw(35, 0.95), sw(0, 0.85)],
  },
  {
    key: 'sand',
    words: ['sand', 'sandy', 'desert', 'beach', 'beige'],
    stems: ['песо', 'песк', 'пустын', 'пляж', 'бежев'],
    swatches: [sw(40, 0.5), sw(34, 0.45), sw(28, 0.4)],
  },
  {
    key: 'wine',
    words: ['wine', 'burgundy', 'maroon'],
    stems: ['вино', 'винн', 'бордо', 'бордов'],
    swatches: [sw(345, 0.6), sw(335, 0.5), sw(355, 0.55)],
  },
  {
    key: 'tea',
    words: ['tea', 'matcha', 'чай'],
    stems: ['чая', 'чаем', 'чайн', 'матча'],
    swatches: [sw(95, 0.4), sw(30, 0.55), sw(80, 0.35)],
  },
  {
    key: 'christmas',
    words: ['christmas', 'xmas'],
    stems: ['новогод', 'рождеств', 'елк', 'елоч'],
    swatches: [sw(0, 0.75), sw(140, 0.55), sw(44, 0.75)],
  },
];

const MAX_SWATCHES = 5;

/** Lower-case words with ё folded to е, so "жёлтый" and "желтый" match the same stem. */
export function promptTokens(prompt: string): string[] {
  const folded = prompt.normalize('NFC').toLowerCase().replace(/ё/g, 'е');
  return folded.match(/\p{L}+/gu) ?? [];
}

function entryMatches(entry: ColourEntry, token: string): boolean {
  for (const word of entry.words) {
    if (token === word || token === `${word}s` || token === `${word}es`) return true;
  }
  for (const stem of entry.stems) {
    if (token.startsWith(stem)) return true;
  }
  return false;
}

const wrapHue = (hue: number): number => ((hue % 360) + 360) % 360;

/** Palette used when the prompt names no colour: stable per prompt, varied across prompts. */
function paletteFromHash(hash: number): Palette {
  const hue = hash % 360;
  const saturation = 0.45 + ((hash >>> 12) % 40) / 100;
  const scheme = (hash >>> 9) % 3;
  const offsets = scheme === 0 ? [0, 25, -25] : scheme === 1 ? [0, 20, 180] : [0, 120, 240];
  return {
    swatches: offsets.map((o, i) => sw(wrapHue(hue + o), saturation * (i === 0 ? 1 : 0.85))),
    accent: sw(wrapHue(hue + (scheme === 0 ? 180 : 30)), Math.min(1, saturation + 0.1)),
    matched: [],
    source: 'hash',
  };
}

/**
 * Builds the palette for a prompt. The first colour word contributes all its swatches so it
 * dominates; later words add their two main swatches; the second word (if any) supplies the
 * accent. Without colour words the palette is derived from the prompt hash.
 */
export function paletteFromPrompt(prompt: string, hash: number): Palette {
  const matched: ColourEntry[] = [];
  for (const token of promptTokens(prompt)) {
    for (const entry of ENTRIES) {
      if (!matched.includes(entry) && entryMatches(entry, token)) matched.push(entry);
    }
  }
  const [first, second] = matched;
  if (first === undefined) return paletteFromHash(hash);

  const swatches: Swatch[] = [...first.swatches];
  for (const entry of matched.slice(1)) swatches.push(...entry.swatches.slice(0, 2));
  const main = swatches[0];
  // Analogous accent (±25°) keeps a single-colour prompt's hue dominant.
  const accent =
    second !== undefined
      ? second.swatches[0]
      : sw(wrapHue(main.hue + (hash & 1 ? 25 : -25)), Math.min(1, main.saturation + 0.1));
  return {
    swatches: swatches.slice(0, MAX_SWATCHES),
    accent,
    matched: matched.map((e) => e.key),
    source: 'words',
  };
}

/** Standard HSL → RGB; h in degrees, s and l in [0, 1] (clamped). */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const h = wrapHue(hue) / 360;
  const s = Math.min(1, Math.max(0, saturation));
  const l = Math.min(1, Math.max(0, lightness));
  if (s === 0) return [l * 255, l * 255, l * 255];
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t0: number): number => {
    const t = t0 < 0 ? t0 + 1 : t0 > 1 ? t0 - 1 : t0;
    if (t < 1 / 6) return p + (q - p) * 6 * t;
    if (t < 1 / 2) return q;
    if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
    return p;
  };
  return [channel(h + 1 / 3) * 255, channel(h) * 255, channel(h - 1 / 3) * 255];
}

/** Swatch at a given lightness; satScale lets the renderer mute or boost it. */
export function swatchColour(swatch: Swatch, lightness: number, satScale = 1): Rgb {
  return hslToRgb(swatch.hue, swatch.saturation * satScale, lightness);
}

/** Linear interpolation between two colours, t in [0, 1]. */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}
