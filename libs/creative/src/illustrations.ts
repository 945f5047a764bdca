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
    'пост баннер сторис истори реклам скидк цен акци акц промокод распродаж карточк товар макет креатив картинк изображен ' +
    'сайт магазин shop store instagram инстаграм вк telegram телеграм озон ozon wildberries формат вертикальн горизонтальн квадратн стил ' +
    'нов нов лучш сам наш ваш ваш дл все очен сделайт сделай созд нужн хоч post banner story sale discount price ' +
    'card style make new best our your for with the and фон цвет ярк светл темн мягк ' +
    // Deliverables and offer words are never the subject.
    'плакат постер афиш флаер листовк визитк обложк буклет рассылк объявлен покупк бесплатн выгодн подарочн ' +
    'poster flyer banner promo free offer deal only маркет маркетплейс яндекс авито avito lamoda ламод вб wb ' +
    // Colours describe the subject ("белые кеды"), they never are it.
    'бел черн красн син зелен желт розов сер голуб оранжев фиолетов коричнев бежев золот серебрян ' +
    'white black red blue green yellow pink grey gray orange purple brown beige gold silver ' +
    // Time and quantity words ("3 дня", "на человека", "было 1290").
    'ден дня дне дню недел месяц год выходн будн утр вечер ночн сегодн завтр врем человек штук был стал перв втор трет'
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
  шин: 'wheel',
  колес: 'wheel',
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
  салют: 'fireworks',
  раф: 'hot-beverage',
  кешбэк: 'money-bag',
  кэшбэк: 'money-bag',
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
  /** Icon name → its CLDR group (4 food, 7 objects, …). */
  groups: Map<string, number>;
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

/** Russian word or lemma → the glossaries' English senses, for icons CLDR ru has no word for. */
let glossaryEnglish: Map<string, string[]> | undefined;
function englishFor(keys: ReadonlyArray<string | undefined>): string[] {
  if (!glossaryEnglish) {
    const map = new Map<string, string[]>();
    const put = (key: string, english: string): void => {
      const list = map.get(key) ?? [];
      if (!list.includes(english)) list.push(english);
      map.set(key, list);
    };
    // The domain glossary is keyed by dictionary forms ("кеды", "часы"): by the form and by its lemma here.
    for (const entry of DOMAIN_GLOSSARY) {
      const key = entry.ru.toLowerCase().replace(/ё/gu, 'е');
      if (key.includes(' ')) continue;
      for (const sense of entry.senses) put(key, sense.en);
    }
    // The older marketing glossary is keyed by word forms: by their lemma too.
    for (const entry of GLOSSARY_ENTRIES) {
      const form = entry.ru.toLowerCase().replace(/ё/gu, 'е');
      if (form.includes(' ')) continue;
      put(form, entry.en);
      const lemma = bestReading(form)?.lemma;
      if (lemma) put(lemma, entry.en);
    }
    glossaryEnglish = map;
  }
  const out: string[] = [];
  for (const key of keys) {
    if (!key) continue;
    for (const english of glossaryEnglish.get(key) ?? []) if (!out.includes(english)) out.push(english);
  }
  return out;
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
  const groups = new Map<string, number>();
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
      // Russian stems shorter than four letters collide across unrelated words ("пару" and "паром" both stem to
      // пар); those words match by lemma only (buildLemmaIndex).
      const key = (w: string): string => (locale === 'ru' && stemOf(w).length < 4 ? '' : stemOf(w));
      // A one-word label ("круассан") is the icon itself; words of longer labels and keywords say less.
      for (const w of label) add(key(w), name, label.length === 1 ? 3 : 2);
      for (const t of e.tags ?? []) for (const w of words(t)) add(key(w), name, 1);
      if (e.group !== undefined) groups.set(name, e.group);
    }
  }
  for (const [stem, name] of Object.entries(EXTRA)) if (icons.icons[name]) add(stemOf(stem), name, 3);
  return { icons, byStem, groups };
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

/**
 * Kinds of things CLDR has no icon for → the icon of their kind (a hypernym fallback: any pastry is a cake or a
 * croissant, any flower a bouquet, any dog breed a dog). Keys are lemma prefixes (≥ 5 letters) or whole lemmas
 * (shorter ones, so "такса" is not "такси"). Written from the domain, not from any test set.
 */
const KINDS: ReadonlyArray<readonly [string, string]> = [
  [
    'shortcake',
    'эклер пирожн чизкейк тирамису наполеон медовик тарт тартал профитрол меренг безе штрудел макарун пахлав чак-чак рулет',
  ],
  ['cupcake', 'маффин кекс капкейк брауни'],
  ['croissant', 'булк булочк слойк синнабон пирожок ватрушк плюшк выпечк сдоб бриош хачапур самс'],
  ['pancakes', 'блин блинчик оладь оладий сырник вафл'],
  [
    'bouquet',
    'пион хризантем гортенз ромашк лилия орхиде гербер альстромери эустом ранункулюс гвоздик лаванд нарцисс астра сирен фиалк калла цветочек цветок флорист',
  ],
  [
    'dog',
    'лабрадор хаски корги мопс шпиц такса бигль пудель овчарк ретривер чихуахуа йорк йоркшир бульдог доберман ротвейлер далматин спаниель терьер сеттер самоед акита шиба алабай пес псин собачк',
  ],
  ['cat', 'мейн-кун британец бенгал сфинкс котик кошечк котейк кис киса'],
  ['fish', 'лосось семга форель тунец треска сельдь скумбри дорадо сибас карп щука судак горбуш креветк'],
  ['running-shoe', 'кед кеды слипон сникер'],
  ['mans-shoe', 'лофер мокасин оксфорд дерби броги'],
  ['high-heeled-shoe', 'туфл туфел лодочк'],
  ['womans-boot', 'сапог ботфорт угги ботильон'],
  ['hiking-boot', 'ботинок ботинк берц'],
  ['thong-sandal', 'босонож сандал шлепан сланц вьетнамк'],
  ['coat', 'пальто пуховик куртк плащ тренч дубленк шуба жилет парка бомбер ветровк'],
  ['t-shirt', 'свитшот лонгслив толстовк худи джемпер кардиган свитер водолазк поло майка рубашк блуз футболк'],
  ['jeans', 'брюки штаны джинс легинс лосин чинос'],
  ['dress', 'платье сарафан юбка'],
  ['candy', 'конфет зефир мармелад пастил леденец трюфел драже ириск'],
  ['bed', 'матрас кровать подушк одеял постельн плед простын'],
  ['couch-and-lamp', 'кресло мебель пуф софа тахта'],
  ['mobile-phone', 'айфон iphone смартфон гаджет'],
  ['kick-scooter', 'самокат электросамокат'],
  ['teapot', 'чайник'],
  ['house', 'квартир коттедж таунхаус новостройк жилье'],
  ['baby-bottle', 'коляск подгузник пустышк соска'],
  ['lotion-bottle', 'парфюм туалетн аромат шампун гель лосьон сыворотк'],
].map(([icon, keys]) => [icon, keys] as const);
const KIND_OF = new Map<string, string>(
  KINDS.flatMap(([icon, keys]) => keys.split(' ').map((k) => [k, icon] as const)),
);

let kindByStem: Map<string, string> | undefined;

/** The icon of a lemma's kind: whole lemma first, then the same Snowball stem, then a ≥ 5-letter prefix. */
function kindOf(lemma: string): string | undefined {
  const exact = KIND_OF.get(lemma);
  if (exact) return exact;
  kindByStem ??= new Map([...KIND_OF].reverse().map(([key, icon]) => [stemOf(key), icon]));
  const byStem = kindByStem.get(stemOf(lemma));
  if (byStem) return byStem;
  for (const [key, icon] of KIND_OF) if (key.length >= 5 && lemma.startsWith(key)) return icon;
  return undefined;
}

/** Modifier prefixes of compounds whose head is the rest ("термокружка" → кружка, "электросамокат" → самокат). */
const MODIFIER_PREFIXES = [
  'термо',
  'электро',
  'мини',
  'микро',
  'смарт',
  'эко',
  'био',
  'аква',
  'супер',
  'мега',
  'гидро',
  'фито',
];
/** Prefixes that name the subject themselves ("автомойка": a car). */
const SUBJECT_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['авто', 'automobile'],
  ['мото', 'motorcycle'],
  ['вело', 'bicycle'],
  ['фото', 'camera'],
  ['зоо', 'dog-face'],
];

/** Diminutive and affectionate suffixes → the base word's candidates ("котик" → кот, "чашечка" → чашка). */
function undiminished(lemma: string): string[] {
  const rules: ReadonlyArray<readonly [RegExp, string]> = [
    [/^(.{2,})[ое]чка$/u, '$1ка'],
    [/^(.{2,})ичек$/u, '$1ик'],
    [/^(.{2,})очек$/u, '$1ок'],
    [/^(.{2,})ечек$/u, '$1ок'],
    [/^(.{3,})ушка$/u, '$1а'],
    [/^(.{3,})юшка$/u, '$1я'],
    [/^(.{3,})ишка$/u, '$1'],
    [/^(.{3,})чик$/u, '$1'],
    [/^(.{3,})ик$/u, '$1'],
    [/^(.{3,})ок$/u, '$1'],
    [/^(.{3,})ек$/u, '$1'],
    [/^(.{3,})енок$/u, '$1'],
    [/^(.{3,})онок$/u, '$1'],
    [/^(.{3,})ка$/u, '$1'],
  ];
  const out: string[] = [];
  for (const [re, to] of rules) if (re.test(lemma)) out.push(lemma.replace(re, to));
  return out;
}

/** Icons an English word or phrase names: one-word labels count fully, a keyword few icons share counts as a label. */
function englishStrong(english: string, byStem: Map<string, Map<string, number>>): Map<string, number> | undefined {
  // A gloss is one sense of the Russian word; an English keyword is one sense of the icon ("order" is a lion's
  // keyword, for the zodiac). Only the icons the English word labels count, so two senses never meet by keyword.
  const hits = englishHits(english, byStem);
  const labelled = hits && new Map([...hits].filter(([, w]) => w >= 2));
  return labelled && labelled.size > 0 ? labelled : undefined;
}

const strongest = (hits: Map<string, number> | undefined): number => (hits ? Math.max(0, ...hits.values()) : 0);

/** Two adjacent words that together name one subject ("ёлочные игрушки" are Christmas decorations). */
const PHRASES: ReadonlyArray<readonly [string, string, string]> = [
  ['елочн', 'игрушк', 'christmas-tree'],
  ['новогодн', 'игрушк', 'christmas-tree'],
  ['черн', 'пятниц', 'shopping-bags:2.5'],
  ['black', 'friday', 'shopping-bags:2.5'],
  ['постельн', 'бел', 'bed'],
  ['ручн', 'работ', ''],
  ['стиральн', 'машин', 'basket'],
  ['hand', 'made', ''],
];

/** Promo codes ("SWEET10") and model numbers are not words of the subject. */
const CODE = /\b(?=[A-Za-z]*\d)[A-Za-z\d]{3,}\b/gu;

/** Evidence for one word: icon → weight, from the strongest source that names a subject. */
function wordHits(
  w: string,
  reading: WordAnalysis | undefined,
  readings: readonly WordAnalysis[],
  idx: Index,
): Map<string, number> | undefined {
  const { byStem, byLemma } = idx;
  const stem = stemOf(w);
  const lemma = reading?.lemma;
  // The form first: "часы" is a watch in a shop, though its lemma is час (hour).
  const hand = EXTRA_BY_LEMMA.get(w) ?? (lemma ? EXTRA_BY_LEMMA.get(lemma) : undefined);
  if (hand) return hand;
  // Pluralia tantum read as themselves ("очки", "джинсы", "ножницы"), then the best reading's lemma.
  const lemmas = [
    ...new Set([
      ...readings.filter((r) => r.lemma === w && r.pos === 'NOUN').map((r) => r.lemma),
      ...(lemma ? [lemma] : []),
    ]),
  ];
  const byReading = lemmas.map((l) => byLemma?.get(l)).find((m) => strongest(m) >= 2);
  // A known word goes by its lemma ("кроссовок": кроссовка); only words the dictionary lacks match EXTRA stems as
  // prefixes, or "кроссовер" (a car) would be a sneaker.
  const known = reading?.known === true;
  const direct = merged([
    byReading ?? (lemma ? byLemma?.get(lemma) : undefined),
    byStem.get(stem),
    known && lemma ? byStem.get(stemOf(lemma)) : undefined,
    known ? undefined : extraByPrefix(w),
  ]);
  if (strongest(direct) >= 2) return direct;
  if (!/[а-я]/u.test(w)) {
    const kind = kindOf(w);
    return kind ? new Map([[kind, 2.5]]) : direct;
  }
  // No CLDR word names it: the base of a diminutive ("котик": кот, not the fur seal CLDR tags котик), a CLDR
  // keyword only one or two icons carry ("лаванда": hyacinth), a compound's parts, its kind; then CLDR's keywords
  // (unless so many icons share them that they are noise); then the glossaries' English.
  const base = lemma ?? w;
  // The kinds list names some diminutives outright ("котик" is a cat).
  const named = KIND_OF.get(base);
  if (named) return new Map([[named, 2.5]]);
  for (const candidate of undiminished(base)) {
    const known = morphology?.analyse(candidate).some((r) => r.pos === 'NOUN' && r.lemma === candidate);
    const hits = known ? (EXTRA_BY_LEMMA.get(candidate) ?? byLemma?.get(candidate)) : undefined;
    if (strongest(hits) >= 2) return hits;
  }
  if (direct && direct.size <= 2) return direct;
  for (const [prefix, icon] of SUBJECT_PREFIXES) {
    if (base.startsWith(prefix) && base.length >= prefix.length + 4) return new Map([[icon, 2.5]]);
  }
  for (const prefix of MODIFIER_PREFIXES) {
    if (!base.startsWith(prefix) || base.length < prefix.length + 3) continue;
    const head = base.slice(prefix.length);
    const headLemma = morphology?.analyse(head)[0]?.lemma ?? head;
    const hits = EXTRA_BY_LEMMA.get(headLemma) ?? byLemma?.get(headLemma) ?? byStem.get(stemOf(head));
    if (strongest(hits) >= 2) return hits;
    const kind = kindOf(headLemma);
    if (kind) return new Map([[kind, 2.5]]);
  }
  const kind = kindOf(base) ?? kindOf(w);
  if (kind) return new Map([[kind, 2.5]]);
  if (direct && direct.size <= 6) return direct;
  for (const english of englishFor([w, ...lemmas])) {
    const hits = englishStrong(english, byStem);
    if (hits) return hits;
  }
  return direct;
}

/** Illustrations for a request's words, best first, one per word, at most `limit`. */
export function matchIllustrations(text: string, limit = 4): Illustration[] {
  const idx = getIndex();
  if (morphology && !idx.byLemma) idx.byLemma = buildLemmaIndex(idx.icons);
  const chosen: Illustration[] = [];
  const ws = words(text.replace(CODE, ' '));
  const stemsOf = ws.map(stemOf);
  const perWord: Array<{ w: string; hits?: Map<string, number>; factor: number; skip: boolean }> = ws.map((w, i) => {
    const stem = stemsOf[i];
    const readings = /[а-я]/u.test(w) ? (morphology?.analyse(w) ?? []) : [];
    const reading = readings[0];
    // Adjectives and verbs describe the subject; the noun is the subject ("детский рюкзак", "чёрная пятница").
    const factor =
      !reading || reading.pos === 'NOUN' ? 1 : reading.pos === 'ADJF' || reading.pos === 'ADJS' ? 0.5 : 0.7;
    // Short words are mostly prepositions and particles ("для", "на"); the shop words among them are in EXTRA.
    // Short nouns the dictionary knows ("дом", "сок", "кот") are kept.
    const shortNoun = w.length === 3 && reading?.pos === 'NOUN' && reading.known;
    const skip = STOP.has(stem) || (w.length < 4 && !shortNoun && !(stem in EXTRA) && !(w in EXTRA));
    return { w, hits: skip ? undefined : wordHits(w, reading, readings, idx), factor, skip };
  });
  // Fixed phrases decide for both their words.
  for (let i = 0; i + 1 < ws.length; i++) {
    const phrase = PHRASES.find(([a, b]) => stemsOf[i].startsWith(a) && stemsOf[i + 1].startsWith(b));
    if (!phrase) continue;
    perWord[i] = { w: ws[i], factor: 1, skip: true };
    // A phrase that names an occasion rather than a thing ("чёрная пятница") yields to a product named beside it.
    const [icon, weight] = phrase[2].split(':');
    perWord[i + 1] = icon
      ? { w: ws[i + 1], hits: new Map([[icon, Number(weight ?? 3)]]), factor: 1, skip: false }
      : { w: ws[i + 1], factor: 1, skip: true };
  }
  // Word sense by the other words: a word whose senses lie in several CLDR groups takes the one in a group the
  // request's other subjects are in ("профитроли с кремом": the cream of a cake, group food, not a lotion).
  const bestOf = (hits: Map<string, number> | undefined): string | undefined =>
    hits && strongest(hits) >= 2 ? [...hits].reduce((a, b) => (b[1] > a[1] ? b : a))[0] : undefined;
  const bestIcons = perWord.map((p) => (p.skip ? undefined : bestOf(p.hits)));
  for (const [i, p] of perWord.entries()) {
    const own = bestIcons[i];
    if (p.skip || !own) continue;
    const context = new Set(
      bestIcons.filter((b, j): b is string => j !== i && b !== undefined).map((b) => idx.groups.get(b)),
    );
    if (context.size === 0 || context.has(idx.groups.get(own))) continue;
    const alternatives = [...(sensesOf(p.w, idx) ?? [])].filter(([name]) => context.has(idx.groups.get(name)));
    if (alternatives.length > 0) p.hits = new Map(alternatives.map(([name, w]) => [name, Math.max(w, 2)]));
  }
  // Two neighbours naming one icon together ("очки солнцезащитные" → sunglasses) outweigh either alone.
  const pairBonus = new Map<number, Map<string, number>>();
  for (let i = 0; i + 1 < perWord.length; i++) {
    const [a, b] = [perWord[i], perWord[i + 1]];
    if (a.skip || b.skip || !a.hits || !b.hits) continue;
    for (const [name, wa] of a.hits) {
      const wb = b.hits.get(name);
      if (wb === undefined) continue;
      const noun = a.factor >= b.factor ? i : i + 1;
      const m = pairBonus.get(noun) ?? new Map<string, number>();
      // Faces stand for moods, not things: "очки солнцезащитные" are sunglasses, not a smiling face wearing them.
      m.set(name, Math.max(m.get(name) ?? 0, wa + wb + 1.5 - (name.includes('face') ? 0.1 : 0)));
      pairBonus.set(noun, m);
    }
  }
  for (const [i, { w, hits, factor, skip }] of perWord.entries()) {
    if (skip || !hits) continue;
    const bonus = pairBonus.get(i);
    // Among equally strong icons the first in CLDR order wins (its canonical, most common one).
    let best: [string, number] | undefined;
    for (const [name, weight] of hits) if (!best || weight > best[1]) best = [name, weight];
    if (bonus) for (const [name, weight] of bonus) if (!best || weight > best[1]) best = [name, weight];
    if (!best) continue;
    // Keywords alone (weight 1) are weak evidence: one keyword shared by many icons is noise.
    if (best[1] === 1 && hits.size > 6) continue;
    // One icon once, scored by the word that names it best ("зубная щетка": the noun, not the adjective).
    const score = best[1] * (bonus?.has(best[0]) ? 1 : factor);
    const earlier = chosen.find((c) => c.name === best[0]);
    if (earlier) {
      if (score > earlier.score) Object.assign(earlier, { word: w, score });
      continue;
    }
    chosen.push({ name: best[0], word: w, score });
  }
  // Keyword-only matches count only when nothing named a subject outright.
  const strong = chosen.filter((c) => c.score >= 2);
  return (strong.length > 0 ? strong : chosen).sort((a, b) => b.score - a.score).slice(0, limit);
}

/** Every icon a word may stand for: the hand-written shop sense, CLDR ru by lemma (every reading) and by stem. */
function sensesOf(w: string, idx: Index): Map<string, number> | undefined {
  const lemmas = /[а-я]/u.test(w) ? [...new Set((morphology?.analyse(w) ?? []).map((r) => r.lemma))] : [];
  return merged([
    EXTRA_BY_LEMMA.get(w),
    ...lemmas.map((l) => EXTRA_BY_LEMMA.get(l)),
    ...lemmas.map((l) => idx.byLemma?.get(l)),
    idx.byStem.get(stemOf(w)),
  ]);
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

let annotations: Map<string, { en: string[]; ru: string[] }> | undefined;

/**
 * Every word CLDR has for an icon, per locale: its annotation (label) and keywords (tags) in emojibase-data en and
 * ru, all groups included, plus the words of the icon's name (in en). For checking a drawing against labels.
 */
export function iconAnnotations(name: string): { en: string[]; ru: string[] } {
  if (!annotations) {
    const map = new Map<string, { en: string[]; ru: string[] }>();
    const chars = loadJson<Record<string, string>>('@iconify-json/fluent-emoji-flat/chars.json');
    for (const locale of ['en', 'ru'] as const) {
      for (const e of loadJson<EmojibaseEntry[]>(`emojibase-data/${locale}/data.json`)) {
        const icon = chars[e.hexcode.toLowerCase()];
        if (!icon) continue;
        const entry = map.get(icon) ?? { en: [], ru: [] };
        entry[locale].push(...words(e.label), ...(e.tags ?? []).flatMap(words));
        map.set(icon, entry);
      }
    }
    annotations = map;
  }
  const found = annotations.get(name) ?? { en: [], ru: [] };
  return { en: [...new Set([...name.split('-'), ...found.en])], ru: [...new Set(found.ru)] };
}
