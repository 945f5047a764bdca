import { parseHex, toHex, type Rgb } from './contrast';
import { hasIcon, iconSvg, matchIllustrations, type Illustration } from './illustrations';
import type { Box } from './layout';

export const SCENE_KINDS = ['hero', 'flatlay', 'product_card', 'sale', 'vacancy', 'event'] as const;
export type SceneKind = (typeof SCENE_KINDS)[number];

/** Colour words of a request (ru stems, en words) → colours. */
const COLOUR_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/красн|red\b|алый/iu, '#d62839'],
  [/розов|pink/iu, '#f28fb0'],
  [/оранжев|orange|осен|autumn|тыкв/iu, '#e8772e'],
  [/жёлт|желт|yellow|солнечн/iu, '#f6c431'],
  [/зелён|зелен|green|мятн|эко/iu, '#3c9d5d'],
  [/голуб|sky|light blue|морск/iu, '#5bb4e5'],
  [/син(?:ий|его|ем|ие)|blue\b|navy/iu, '#2a4d9b'],
  [/фиолет|лилов|purple|violet|лаванд/iu, '#7b4bb7'],
  [/бежев|beige|крем|нюд|пастел/iu, '#e9d8c4'],
  [/коричн|brown|шоколад|кофейн/iu, '#6f4e37'],
  [/чёрн|черн|black|премиум/iu, '#1e1e24'],
  [/бел(?:ый|ая|ое|ые|ом)|white|минимал/iu, '#f4f4f2'],
  [/золот|gold/iu, '#c9a227'],
  [/новогод|зимн|winter|снег/iu, '#2f6f8f'],
  [/весен|spring|8 марта|март/iu, '#f7a1c4'],
];

/** The request's own colour words first, then the brand's colours. */
export function paletteFromText(text: string, brand: readonly string[] = []): string[] {
  const own = COLOUR_WORDS.filter(([re]) => re.test(text)).map(([, hex]) => hex);
  return [...new Set([...brand.map((c) => c.toLowerCase()), ...own])].slice(0, 5);
}

/** Which composition a request calls for. */
export function sceneKindFor(
  text: string,
  platform: string,
  brief: { discount: string; price: string },
  subjects: number,
): SceneKind {
  if (/ваканс|ищем|требуется|в команду|hiring|job\b|работа у нас/iu.test(text)) return 'vacancy';
  if (/мероприят|концерт|вебинар|мастер-класс|открыти|фестивал|приглаша|событи|event|праздник|вечеринк/iu.test(text))
    return 'event';
  if (platform === 'marketplace_card' || /карточк|wildberries|ozon|озон|вб\b|маркетплейс/iu.test(text))
    return 'product_card';
  if (brief.discount || /распродаж|sale|акци/iu.test(text)) return 'sale';
  if (subjects >= 3) return 'flatlay';
  return 'hero';
}

const FALLBACK: Record<SceneKind, string[]> = {
  hero: ['sparkles', 'star'],
  flatlay: ['sparkles'],
  product_card: ['package', 'sparkles'],
  sale: ['shopping-bags', 'sparkles'],
  vacancy: ['briefcase', 'handshake'],
  event: ['party-popper', 'spiral-calendar'],
};

/** Seeded 32-bit PRNG (mulberry32): the same seed draws the same scene. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];
const WHITE: Rgb = [255, 255, 255];

export interface SceneInput {
  width: number;
  height: number;
  art: Box;
  text: string;
  kind: SceneKind;
  palette: readonly string[];
  seed: number;
  subjects?: Illustration[];
}

export interface SceneRecord {
  kind: SceneKind;
  illustrations: Array<{ name: string; word: string; box: Box }>;
  palette: string[];
}

/**
 * The embedded default's picture as one SVG: a background from the palette, decorations of the scene kind, and
 * the subject icons from their vector source at the target size, inside the box the text left free.
 */
export function sceneSvg(input: SceneInput): { svg: string; record: SceneRecord } {
  const { width, height, art, kind } = input;
  const rand = rng(input.seed);
  const colours = input.palette.map(parseHex).filter((c): c is Rgb => c !== undefined);
  const base: Rgb =
    colours[0] ??
    (
      [
        [233, 216, 196],
        [247, 161, 196],
        [91, 180, 229],
        [246, 196, 49],
        [60, 157, 93],
      ] as Rgb[]
    )[input.seed % 5];
  const accent: Rgb = colours[1] ?? mix(base, [40, 40, 60], 0.45);
  const light = mix(base, WHITE, 0.55 + rand() * 0.2);
  const lighter = mix(base, WHITE, 0.8);
  const subjects = input.subjects ?? matchIllustrations(input.text);
  const names = subjects.length > 0 ? subjects.map((s) => s.name) : FALLBACK[kind].filter(hasIcon);
  const words = subjects.length > 0 ? subjects.map((s) => s.word) : names.map(() => '');
  const parts: string[] = [
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="${(rand() * 0.6 + 0.2).toFixed(2)}" y2="1"><stop offset="0" stop-color="${toHex(lighter)}"/><stop offset="1" stop-color="${toHex(light)}"/></linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
  ];
  const u = Math.min(width, height);
  const placed: SceneRecord['illustrations'] = [];
  const icon = (i: number, x: number, y: number, size: number, rotate = 0): void => {
    const name = names[i % names.length];
    parts.push(iconSvg(name, x, y, size, `i${i}`, rotate));
    placed.push({
      name,
      word: words[i % words.length],
      box: { x: Math.round(x), y: Math.round(y), w: Math.round(size), h: Math.round(size) },
    });
  };
  const cx = art.x + art.w / 2;
  const cy = art.y + art.h / 2;
  const side = Math.max(8, Math.min(art.w, art.h));
  if (kind === 'sale') {
    parts.push(
      `<polygon points="0,${height * 0.62} ${width},${height * 0.34} ${width},${height * 0.5} 0,${height * 0.78}" fill="${toHex(accent)}" fill-opacity="0.18"/>`,
    );
  }
  if (kind === 'event' || kind === 'sale') {
    for (let k = 0; k < 26; k++) {
      const c = [accent, base, mix(accent, base, 0.5)][k % 3];
      const s = u * (0.012 + rand() * 0.014);
      parts.push(
        `<rect x="${(rand() * width).toFixed(1)}" y="${(rand() * height).toFixed(1)}" width="${s.toFixed(1)}" height="${(s * 2.2).toFixed(1)}" rx="${(s / 3).toFixed(1)}" fill="${toHex(c)}" fill-opacity="0.55" transform="rotate(${Math.round(rand() * 180)} ${(width / 2).toFixed(0)} ${(height / 2).toFixed(0)})"/>`,
      );
    }
  }
  if (kind === 'vacancy') {
    for (let k = 0; k < 3; k++) {
      const r = u * (0.18 + k * 0.12);
      parts.push(
        `<circle cx="${width * 0.85}" cy="${height * 0.15}" r="${r.toFixed(1)}" fill="none" stroke="${toHex(accent)}" stroke-opacity="0.22" stroke-width="${(u * 0.02).toFixed(1)}"/>`,
      );
    }
  }
  if (kind === 'flatlay' && names.length >= 2) {
    const n = Math.min(6, Math.max(names.length, 4));
    const cols = art.w >= art.h ? Math.ceil(n / 2) : 2;
    const rows = Math.ceil(n / cols);
    const cell = Math.min(art.w / cols, art.h / rows);
    const ox = cx - (cols * cell) / 2;
    const oy = cy - (rows * cell) / 2;
    for (let i = 0; i < n; i++) {
      const x = ox + (i % cols) * cell;
      const y = oy + Math.floor(i / cols) * cell;
      parts.push(
        `<circle cx="${(x + cell / 2).toFixed(1)}" cy="${(y + cell / 2).toFixed(1)}" r="${(cell * 0.44).toFixed(1)}" fill="#ffffff" fill-opacity="0.75"/>`,
      );
      icon(i, x + cell * 0.17, y + cell * 0.17, cell * 0.66, Math.round((rand() - 0.5) * 30));
    }
  } else {
    // One hero subject, secondary subjects smaller around it.
    const main = side * (names.length > 1 ? 0.68 : 0.8);
    parts.push(
      `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${(main * 0.62).toFixed(1)}" fill="${toHex(kind === 'product_card' ? WHITE : accent)}" fill-opacity="${kind === 'product_card' ? 0.9 : 0.16}"/>`,
    );
    const secondary = names.length - 1;
    icon(0, cx - main / 2 - (secondary > 0 && art.w > art.h * 1.3 ? main * 0.2 : 0), cy - main / 2, main);
    const small = main * 0.42;
    for (let k = 1; k <= secondary; k++) {
      const angle = -Math.PI / 4 + ((k - 1) * Math.PI) / Math.max(2, secondary);
      const rx = Math.min(art.w / 2 - small / 2, main * 0.72);
      const ry = Math.min(art.h / 2 - small / 2, main * 0.62);
      const x = cx + Math.cos(angle) * rx - small / 2;
      const y = cy + Math.sin(angle) * ry - small / 2;
      if (kind === 'product_card') {
        parts.push(
          `<line x1="${cx.toFixed(1)}" y1="${cy.toFixed(1)}" x2="${(x + small / 2).toFixed(1)}" y2="${(y + small / 2).toFixed(1)}" stroke="${toHex(accent)}" stroke-width="${Math.max(2, u * 0.004).toFixed(1)}" stroke-dasharray="6 6"/>`,
        );
        parts.push(
          `<circle cx="${(x + small / 2).toFixed(1)}" cy="${(y + small / 2).toFixed(1)}" r="${(small * 0.6).toFixed(1)}" fill="#ffffff" stroke="${toHex(accent)}" stroke-width="${Math.max(2, u * 0.004).toFixed(1)}"/>`,
        );
      }
      icon(k, x, y, small, Math.round((rand() - 0.5) * 20));
    }
  }
  return {
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`,
    record: { kind, illustrations: placed, palette: [toHex(base), toHex(accent)] },
  };
}
