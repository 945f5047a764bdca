import { readFileSync } from 'node:fs';
import { newStemmer } from 'snowball-stemmers';
import { DOMAIN_GLOSSARY, GLOSSARY_ENTRIES, RussianMorphology, type WordAnalysis } from '@atelier/ru-en';

/**
 * The request's subject as illustrations: words (Russian and English) matched to Fluent Emoji Flat icons
 * (Microsoft, MIT) through the CLDR ru/en annotations (labels and keywords) that emojibase-data packages.
 * Matching is by OpenCorpora lemmas (Az.js through @atelier/ru-en, once `prepareIllustrations()` has loaded it;
 * Snowball stems before that), nouns before adjectives ("детский рюкзак" draws the backpack, not a playground),
 * then through the hand-written domain glossary's English (CLDR en keywords: "гантели" → dumbbell → weight
 * lifting); a short list of shop words CLDR lacks maps onto the nearest icon.
 */
interface EmojibaseEntry {
  label: string;
  hexcode: string;
  tags?: string[];
  group?: number;
}

interface IconSet {
  icons: Record<string, { body: string; width?: number; height?: number }>;
  aliases?: Record<string, { parent: string }>;
  width?: number;
  height?: number;
}

export interface Illustration {
  /** Icon name in the set, e.g. "hot-beverage". */
  name: string;
  /** The request word that chose it. */
  word: string;
  score: number;
}

const ru = newStemmer('russian');
const en = newStemmer('english');

// CLDR groups: 0 smileys, 1 people, 2 component, 3 animals & nature, 4 food, 5 travel, 6 activities, 7 objects,
// 8 symbols, 9 flags. Symbols and flags say nothing about a shop's subject; components are not drawable alone.
const SKIP_GROUPS = new Set([2, 8, 9]);

/** Words that describe the deliverable or the offer, never the subject. */
const STOP = new Set(
  (
    'пост баннер сторис истори реклам скидк цен акци промокод распродаж карточк товар макет креатив картинк изображен ' +
    'сайт магазин shop store instagram инстаграм вк telegram телеграм озон ozon wildberries формат вертикальн горизонтальн квадратн стил ' +
    'нов нов лучш сам наш ваш ваш дл все очен сделайт сделай созд нужн хоч post banner story sale discount price ' +
    'card style make new best our your for with the and фон цвет ярк светл темн мягк'
  )
    .split(' ')
    .filter(Boolean),
);

/** Shop words CLDR has no keyword for: stem → icon name. Written from the domain, not from any test set. */
const EXTRA: Record<string, string> = {
  кофейн: 'hot-beverage',
  кофе: 'hot-beverage',
  капучин: 'hot-beverage',
  латт: 'hot-beverage',
  бариста: 'hot-beverage',
  пекарн: 'bread',
  выпечк: 'croissant',
  булочн: 'bread',
  кондитерск: 'shortcake',
  десерт: 'shortcake',
  торт: 'birthday-cake',
  пирожн: 'shortcake',
  цветочн: 'bouquet',
  букет: 'bouquet',
  флорист: 'bouquet',
  маникюр: 'nail-polish',
  ногт: 'nail-polish',
  барбершоп: 'barber-pole',
  стрижк: 'scissors',
  парикмахерск: 'scissors',
  салон: 'nail-polish',
  космет: 'lipstick',
  уход: 'lotion-bottle',
  крем: 'lotion-bottle',
  вакан: 'briefcase',
  работ: 'briefcase',
  ваканс: 'briefcase',
  курьер: 'delivery-truck',
  доставк: 'delivery-truck',
  термокружк: 'hot-beverage',
  кружк: 'hot-beverage',
  фитнес: 'person-lifting-weights',
  спортзал: 'person-lifting-weights',
  йог: 'person-in-lotus-position',
  кроссовк: 'running-shoe',
  кроссов: 'running-shoe',
  обув: 'womans-boot',
  одежд: 't-shirt',
  футболк: 't-shirt',
  плать: 'dress',
  платье: 'dress',
  куртк: 'coat',
  пицц: 'pizza',
  бургер: 'hamburger',
  суш: 'sushi',
  ролл: 'sushi',
  шаурм: 'burrito',
  смартфон: 'mobile-phone',
  телефон: 'mobile-phone',
  ноутбук: 'laptop',
  наушник: 'headphone',
  игрушк: 'teddy-bear',
  зоомагазин: 'dog-face',
  корм: 'dog-face',
  вебинар: 'laptop',
  конференц: 'microphone',
  концерт: 'microphone',
  мастер: 'artist-palette',
  курс: 'graduation-cap',
  школ: 'school',
  обучен: 'graduation-cap',
  недвижим: 'house',
  квартир: 'house',
  автосервис: 'automobile',
  машин: 'automobile',
  авто: 'automobile',
  подарок: 'wrapped-gift',
  подарк: 'wrapped-gift',
  сертификат: 'wrapped-gift',
  новогодн: 'christmas-tree',
  ёлк: 'christmas-tree',
  елк: 'christmas-tree',
  март: 'tulip',
  valentine: 'red-heart',
  валентин: 'red-heart',
  хэллоуин: 'jack-o-lantern',
  свеч: 'candle',
  мёд: 'honey-pot',
  мед: 'honey-pot',
  чай: 'teacup-without-handle',
  вин: 'wine-glass',
  пив: 'beer-mug',
  мороженое: 'soft-ice-cream',
  морожен: 'soft-ice-cream',
  овощ: 'leafy-green',
  фрукт: 'red-apple',
  ягод: 'strawberry',
  книг: 'books',
  книжн: 'books',
  стоматолог: 'tooth',
  зуб: 'tooth',
  аптек: 'pill',
  витамин: 'pill',
  путешеств: 'airplane',
  тур: 'airplane',
  отел: 'hotel',
  мебел: 'couch-and-lamp',
  диван: 'couch-and-lamp',
  ремонт: 'hammer-and-wrench',
  строит: 'building-construction',
  кофемашин: 'hot-beverage',
  рюкзак: 'backpack',
  ранец: 'backpack',
  гантел: 'person-lifting-weights',
  тренажер: 'person-lifting-weights',
  клининг: 'broom',
  уборк: 'broom',
  швабр: 'broom',
  пылесос: 'broom',
  химчистк: 'broom',
  вод: 'droplet',
  кондиционер: 'snowflake',
  лимонад: 'tropical-drink',
  смузи: 'cup-with-straw',
  коктейл: 'cocktail-glass',
  ёлочн: 'christmas-tree',
  елочн: 'christmas-tree',
  спектакл: 'performing-arts',
  театр: 'performing-arts',
  свитер: 'coat',
  пальт: 'coat',
  рубашк: 't-shirt',
  пижам: 't-shirt',
  худи: 't-shirt',
  носк: 'socks',
  коляск: 'baby-bottle',
  подгузник: 'baby-bottle',
  шарик: 'balloon',
  шар: 'balloon',
  часы: 'watch',
  щенок: 'dog-face',
  щенк: 'dog-face',
  котенок: 'cat-face',
  котят: 'cat-face',
  груминг: 'dog-face',
  шин: 'automobile',
  шиномонтаж: 'automobile',
  автомойк: 'automobile',
  такси: 'taxi',
  велосипед: 'bicycle',
  самокат: 'kick-scooter',
  кольц: 'ring',
  серьг: 'gem-stone',
  украшен: 'gem-stone',
  ювелир: 'gem-stone',
  парфюм: 'lotion-bottle',
  дух: 'lotion-bottle',
  шампун: 'lotion-bottle',
  массаж: 'person-getting-massage',
  spa: 'person-getting-massage',
  спа: 'person-getting-massage',
  ресниц: 'eye',
  бров: 'eye',
  coffee: 'hot-beverage',
  bakery: 'croissant',
  manicure: 'nail-polish',
  hiring: 'briefcase',
  job: 'briefcase',
};

/** EXTRA keys that are whole Russian lemmas ("кофейня", "торт") also match by lemma. */
const EXTRA_BY_LEMMA = new Map<string, Map<string, number>>(
  Object.entries(EXTRA)
    .filter(([k]) => /[а-яё]/u.test(k))
    .map(([k, name]) => [k.replace(/ё/gu, 'е'), new Map([[name, 3]])]),
);

interface Index {
  icons: IconSet;
  /** stem → icon name → weight. */
  byStem: Map<string, Map<string, number>>;
  /** Russian lemma → icon name → weight (built when the morphology is loaded). */
  byLemma?: Map<string, Map<string, number>>;
}

let index: Index | undefined;
let morphology: RussianMorphology | undefined;

/**
 * Loads the Russian morphology (Az.js, OpenCorpora; ~1 s once per process) so matching runs on lemmas and parts
 * of speech. Until it has run, matching falls back to Snowball stems.
 */
export async function prepareIllustrations(): Promise<void> {
  morphology ??= await RussianMorphology.load();
}

const bestReading = (w: string): WordAnalysis | undefined => morphology?.analyse(w)[0];

/** CLDR ru labels and keywords by lemma: a one-word label is the icon, a label's noun says more than its adjective. */
function buildLemmaIndex(icons: IconSet): Map<string, Map<string, number>> {
  const chars = loadJson<Record<string, string>>('@iconify-json/fluent-emoji-flat/chars.json');
  const byLemma = new Map<string, Map<string, number>>();
  const add = (lemma: string, name: string, weight: number): void => {
    if (lemma.length < 3 || STOP.has(stemOf(lemma))) return;
    const m = byLemma.get(lemma) ?? new Map<string, number>();
    m.set(name, Math.max(m.get(name) ?? 0, weight));
    byLemma.set(lemma, m);
  };
  for (const e of loadJson<EmojibaseEntry[]>('emojibase-data/ru/data.json')) {
    if (e.group !== undefined && SKIP_GROUPS.has(e.group)) continue;
    const name = chars[e.hexcode.toLowerCase()];
    if (!name || !icons.icons[name]) continue;
    const label = words(e.label);
    for (const w of label) {
      const r = bestReading(w);
      const lemma = r?.lemma ?? w;
      add(lemma, name, label.length === 1 ? 3 : r?.pos === 'NOUN' ? 2.5 : 1.5);
    }
    for (const t of e.tags ?? []) for (const w of words(t)) add(bestReading(w)?.lemma ?? w, name, 1);
  }
  return byLemma;
}

/** Russian lemma → the glossary's first English sense, for icons CLDR ru has no word for. */
let glossaryEnglish: Map<string, string> | undefined;
function englishFor(lemma: string): string | undefined {
  if (!glossaryEnglish) {
    glossaryEnglish = new Map();
    for (const entry of DOMAIN_GLOSSARY) {
      const key = entry.ru.toLowerCase().replace(/ё/gu, 'е');
      if (!key.includes(' ') && !glossaryEnglish.has(key) && entry.senses[0])
        glossaryEnglish.set(key, entry.senses[0].en);
    }
    // The older marketing glossary is keyed by word forms: by their lemma here.
    for (const entry of GLOSSARY_ENTRIES) {
      const form = entry.ru.toLowerCase().replace(/ё/gu, 'е');
      if (form.includes(' ')) continue;
      const key = bestReading(form)?.lemma ?? form;
      if (!glossaryEnglish.has(key)) glossaryEnglish.set(key, entry.en);
    }
  }
  return glossaryEnglish.get(lemma);
}

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/ё/gu, 'е')
    .match(/[\p{L}]+/gu) ?? [];

const stemOf = (w: string): string => (/[а-я]/u.test(w) ? ru.stem(w) : en.stem(w));

function loadJson<T>(module: string): T {
  return JSON.parse(readFileSync(require.resolve(module), 'utf8')) as T;
}

function buildIndex(): Index {
  const icons = loadJson<IconSet>('@iconify-json/fluent-emoji-flat/icons.json');
  const chars = loadJson<Record<string, string>>('@iconify-json/fluent-emoji-flat/chars.json');
  const byStem = new Map<string, Map<string, number>>();
  const add = (stem: string, name: string, weight: number): void => {
    if (stem.length < 3 || STOP.has(stem)) return;
    const m = byStem.get(stem) ?? new Map<string, number>();
    m.set(name, Math.max(m.get(name) ?? 0, weight));
    byStem.set(stem, m);
  };
  for (const locale of ['ru', 'en'] as const) {
    const data = loadJson<EmojibaseEntry[]>(`emojibase-data/${locale}/data.json`);
    for (const e of data) {
      if (e.group !== undefined && SKIP_GROUPS.has(e.group)) continue;
      const name = chars[e.hexcode.toLowerCase()];
      if (!name || !icons.icons[name]) continue;
      const label = words(e.label);
      // A one-word label ("круассан") is the icon itself; words of longer labels and keywords say less.
      for (const w of label) add(stemOf(w), name, label.length === 1 ? 3 : 2);
      for (const t of e.tags ?? []) for (const w of words(t)) add(stemOf(w), name, 1);
    }
  }
  for (const [stem, name] of Object.entries(EXTRA)) if (icons.icons[name]) add(stemOf(stem), name, 3);
  return { icons, byStem };
}

function getIndex(): Index {
  index ??= buildIndex();
  return index;
}

/** Shop words inflect with fleeting vowels ("кроссовок"); their stems in EXTRA also match as prefixes. */
function extraByPrefix(word: string): Map<string, number> | undefined {
  for (const [stem, name] of Object.entries(EXTRA)) {
    if (stem.length >= 5 && word.startsWith(stem)) return new Map([[name, 3]]);
  }
  return undefined;
}

/** Illustrations for a request's words, best first, one per word, at most `limit`. */
export function matchIllustrations(text: string, limit = 4): Illustration[] {
  const idx = getIndex();
  if (morphology && !idx.byLemma) idx.byLemma = buildLemmaIndex(idx.icons);
  const { byStem, byLemma } = idx;
  const chosen: Illustration[] = [];
  for (const w of words(text)) {
    const stem = stemOf(w);
    const reading = /[а-я]/u.test(w) ? bestReading(w) : undefined;
    const lemma = reading?.lemma;
    // Adjectives and verbs describe the subject; the noun is the subject ("детский рюкзак", "чёрная пятница").
    const factor =
      !reading || reading.pos === 'NOUN' ? 1 : reading.pos === 'ADJF' || reading.pos === 'ADJS' ? 0.5 : 0.7;
    const viaGlossary = lemma ? englishFor(lemma) : undefined;
    // A hand-written entry for the lemma decides; else the strongest of lemma, stem and prefix evidence; else
    // the glossary's English.
    const hits =
      // The form first: "часы" is a watch in a shop, though its lemma is час (hour).
      EXTRA_BY_LEMMA.get(w) ??
      (lemma ? EXTRA_BY_LEMMA.get(lemma) : undefined) ??
      merged([lemma ? byLemma?.get(lemma) : undefined, byStem.get(stem), extraByPrefix(w)]) ??
      (viaGlossary ? englishHits(viaGlossary, byStem) : undefined);
    // Short words are mostly prepositions and particles ("для", "на"); the shop words among them are in EXTRA.
    if (!hits || STOP.has(stem) || (w.length < 4 && !(stem in EXTRA) && !(w in EXTRA))) continue;
    // Among equally strong icons the first in CLDR order wins (its canonical, most common one).
    let best: [string, number] | undefined;
    for (const [name, weight] of hits) if (!best || weight > best[1]) best = [name, weight];
    if (!best) continue;
    // Keywords alone (weight 1) are weak evidence: one keyword shared by many icons is noise.
    if (best[1] === 1 && hits.size > 6) continue;
    // One icon once, scored by the word that names it best ("зубная щетка": the noun, not the adjective).
    const earlier = chosen.find((c) => c.name === best[0]);
    if (earlier) {
      if (best[1] * factor > earlier.score) Object.assign(earlier, { word: w, score: best[1] * factor });
      continue;
    }
    chosen.push({ name: best[0], word: w, score: best[1] * factor });
  }
  // Keyword-only matches count only when nothing named a subject outright.
  const strong = chosen.filter((c) => c.score >= 2);
  return (strong.length > 0 ? strong : chosen).sort((a, b) => b.score - a.score).slice(0, limit);
}

/** The union of several icon → weight maps, keeping each icon's highest weight; undefined when all are empty. */
function merged(maps: ReadonlyArray<Map<string, number> | undefined>): Map<string, number> | undefined {
  const present = maps.filter((m): m is Map<string, number> => m !== undefined && m.size > 0);
  if (present.length <= 1) return present[0];
  const out = new Map<string, number>();
  for (const m of present) for (const [name, w] of m) out.set(name, Math.max(out.get(name) ?? 0, w));
  return out;
}

/** Icons for an English word or phrase (its head noun last): CLDR en labels and keywords by Snowball stem. */
function englishHits(english: string, byStem: Map<string, Map<string, number>>): Map<string, number> | undefined {
  const parts = english
    .toLowerCase()
    .split(/[\s-]+/u)
    .filter((p) => p.length >= 3);
  for (const part of parts.reverse()) {
    const hits = byStem.get(en.stem(part));
    if (hits) return hits;
  }
  return undefined;
}

/** An icon's SVG markup placed at a box, ids made unique so several icons can share one document. */
export function iconSvg(name: string, x: number, y: number, size: number, uid: string, rotate = 0): string {
  const { icons } = getIndex();
  const icon = icons.icons[name] ?? icons.icons[icons.aliases?.[name]?.parent ?? ''];
  if (!icon) return '';
  const vw = icon.width ?? icons.width ?? 32;
  const vh = icon.height ?? icons.height ?? 32;
  const body = icon.body
    .replace(/id="([^"]+)"/gu, `id="${uid}-$1"`)
    .replace(/url\(#([^)]+)\)/gu, `url(#${uid}-$1)`)
    .replace(/href="#([^"]+)"/gu, `href="#${uid}-$1"`);
  const cx = x + size / 2;
  const cy = y + size / 2;
  const turn = rotate ? ` transform="rotate(${rotate} ${cx.toFixed(1)} ${cy.toFixed(1)})"` : '';
  return `<g${turn}><svg x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${size.toFixed(1)}" height="${size.toFixed(1)}" viewBox="0 0 ${vw} ${vh}">${body}</svg></g>`;
}

export const hasIcon = (name: string): boolean => Boolean(getIndex().icons.icons[name]);

let keywords: Map<string, string[]> | undefined;

/** English words an icon stands for: its name, CLDR label and keywords (for checking a drawing against labels). */
export function iconKeywords(name: string): string[] {
  if (!keywords) {
    keywords = new Map();
    const chars = loadJson<Record<string, string>>('@iconify-json/fluent-emoji-flat/chars.json');
    for (const e of loadJson<EmojibaseEntry[]>('emojibase-data/en/data.json')) {
      const icon = chars[e.hexcode.toLowerCase()];
      if (icon) keywords.set(icon, [...words(e.label), ...(e.tags ?? []).flatMap(words)]);
    }
  }
  return [...new Set([...name.split('-'), ...(keywords.get(name) ?? [])])];
}
