import { hexToLab, type Lab } from '@atelier/colour-science';

/**
 * What a prompt asks for that a COCO object detector and a palette can check: object classes and
 * colours. English nouns (with plurals) and Russian stems (the raw request is often Russian; the
 * enhancer translates, but brand and user words survive) map onto the detector's 80 COCO classes.
 */

/** COCO class → words that ask for it. English entries match whole words (plural -s/-es too); Russian are stems. */
export const OBJECT_SYNONYMS: Record<string, { en: string[]; ru: string[] }> = {
  person: {
    en: [
      'person',
      'people',
      'man',
      'men',
      'woman',
      'women',
      'boy',
      'girl',
      'child',
      'children',
      'kid',
      'model',
      'player',
      'skier',
      'surfer',
      'rider',
      'lady',
      'guy',
      'portrait',
      'crowd',
      'baby',
      'customer',
      'chef',
      'barista',
    ],
    ru: [
      'человек',
      'люд',
      'мужчин',
      'женщин',
      'девушк',
      'парен',
      'ребен',
      'ребён',
      'дети',
      'детей',
      'модел',
      'портрет',
      'бариста',
    ],
  },
  bicycle: { en: ['bicycle', 'bike', 'cyclist'], ru: ['велосипед'] },
  car: { en: ['car', 'automobile', 'taxi', 'sedan', 'vehicle'], ru: ['машин', 'автомобил', 'такси'] },
  motorcycle: { en: ['motorcycle', 'motorbike', 'scooter', 'moped'], ru: ['мотоцикл', 'скутер'] },
  airplane: { en: ['airplane', 'plane', 'aircraft', 'jet', 'airliner'], ru: ['самолет', 'самолёт'] },
  bus: { en: ['bus'], ru: ['автобус'] },
  train: { en: ['train', 'locomotive', 'railway'], ru: ['поезд', 'электричк'] },
  truck: { en: ['truck', 'lorry', 'van'], ru: ['грузовик', 'фургон'] },
  boat: { en: ['boat', 'ship', 'sailboat', 'yacht', 'kayak', 'canoe'], ru: ['лодк', 'корабл', 'яхт'] },
  'traffic light': { en: ['traffic light', 'stoplight'], ru: ['светофор'] },
  'fire hydrant': { en: ['hydrant'], ru: ['гидрант'] },
  'stop sign': { en: ['stop sign'], ru: ['знак стоп'] },
  bench: { en: ['bench'], ru: ['скамейк', 'лавочк'] },
  bird: { en: ['bird', 'pigeon', 'seagull', 'duck', 'parrot', 'owl'], ru: ['птиц', 'голуб', 'утк', 'попуга'] },
  cat: { en: ['cat', 'kitten', 'kitty'], ru: ['кошк', '=кот', 'коты', 'кота', 'котик', 'котен', 'котён'] },
  dog: { en: ['dog', 'puppy', 'pup'], ru: ['собак', 'пес', 'пёс', 'щен'] },
  horse: { en: ['horse', 'pony'], ru: ['лошад', 'конь', 'кони', 'коня'] },
  sheep: { en: ['sheep', 'lamb'], ru: ['овц', 'баран', 'ягнен'] },
  cow: { en: ['cow', 'cattle', 'bull', 'calf'], ru: ['коров', 'бык'] },
  elephant: { en: ['elephant'], ru: ['слон'] },
  bear: { en: ['bear', 'panda'], ru: ['медвед', 'панд'] },
  zebra: { en: ['zebra'], ru: ['зебр'] },
  giraffe: { en: ['giraffe'], ru: ['жираф'] },
  backpack: { en: ['backpack', 'rucksack'], ru: ['рюкзак'] },
  umbrella: { en: ['umbrella', 'parasol'], ru: ['зонт'] },
  handbag: { en: ['handbag', 'purse', 'bag'], ru: ['сумк'] },
  tie: { en: ['tie', 'necktie'], ru: ['галстук'] },
  suitcase: { en: ['suitcase', 'luggage'], ru: ['чемодан'] },
  frisbee: { en: ['frisbee'], ru: ['фрисби'] },
  skis: { en: ['ski', 'skis'], ru: ['лыж'] },
  snowboard: { en: ['snowboard'], ru: ['сноуборд'] },
  'sports ball': { en: ['ball', 'football', 'soccer', 'basketball', 'baseball'], ru: ['мяч'] },
  kite: { en: ['kite'], ru: ['воздушный зме'] },
  'baseball bat': { en: ['bat'], ru: ['бита'] },
  'baseball glove': { en: ['glove', 'mitt'], ru: ['перчатк'] },
  skateboard: { en: ['skateboard', 'skateboarder', 'skater'], ru: ['скейт'] },
  surfboard: { en: ['surfboard', 'surfing', 'surf'], ru: ['серф'] },
  'tennis racket': { en: ['racket', 'tennis'], ru: ['ракетк', 'теннис'] },
  bottle: { en: ['bottle', 'wine', 'beer'], ru: ['бутыл', 'вино', 'вина', 'пиво'] },
  'wine glass': { en: ['wine glass', 'wineglass', 'glass'], ru: ['бокал'] },
  cup: {
    en: ['cup', 'mug', 'coffee', 'tea', 'latte', 'cappuccino', 'espresso'],
    ru: ['чашк', 'круж', 'кофе', 'кофей', 'чай', 'латте', 'капучино'],
  },
  fork: { en: ['fork'], ru: ['вилк'] },
  knife: { en: ['knife', 'knives'], ru: ['нож'] },
  spoon: { en: ['spoon'], ru: ['ложк'] },
  bowl: { en: ['bowl', 'soup', 'salad'], ru: ['миск', 'тарелк', '=суп', 'салат'] },
  banana: { en: ['banana'], ru: ['банан'] },
  apple: { en: ['apple'], ru: ['яблок'] },
  sandwich: { en: ['sandwich', 'burger', 'hamburger'], ru: ['сэндвич', 'бутерброд', 'бургер'] },
  orange: { en: ['orange', 'oranges', 'tangerine', 'citrus'], ru: ['апельсин', 'мандарин'] },
  broccoli: { en: ['broccoli', 'vegetable'], ru: ['брокколи', 'овощ'] },
  carrot: { en: ['carrot'], ru: ['морков'] },
  'hot dog': { en: ['hot dog', 'hotdog'], ru: ['хот-дог', 'хотдог'] },
  pizza: { en: ['pizza'], ru: ['пицц'] },
  donut: { en: ['donut', 'doughnut'], ru: ['пончик'] },
  cake: {
    en: ['cake', 'dessert', 'cupcake', 'pastry', 'croissant'],
    ru: ['торт', 'пирож', 'десерт', 'круассан', 'выпечк'],
  },
  chair: { en: ['chair', 'seat', 'armchair'], ru: ['стул', 'кресл'] },
  couch: { en: ['couch', 'sofa'], ru: ['диван'] },
  'potted plant': {
    en: ['plant', 'flower', 'flowers', 'houseplant'],
    ru: ['растени', 'цветы', 'цветок', 'цветоч', 'букет'],
  },
  bed: { en: ['bed', 'bedroom'], ru: ['кроват', 'спальн'] },
  'dining table': { en: ['table', 'dining', 'desk'], ru: ['=стол', 'столик', 'стола', 'столе', 'столом'] },
  toilet: { en: ['toilet', 'bathroom'], ru: ['туалет', 'унитаз'] },
  tv: { en: ['tv', 'television', 'monitor', 'screen'], ru: ['телевизор', 'экран', 'монитор'] },
  laptop: { en: ['laptop', 'notebook', 'computer'], ru: ['ноутбук', 'компьютер'] },
  mouse: { en: ['mouse'], ru: ['мышк', 'мышь'] },
  remote: { en: ['remote'], ru: ['пульт'] },
  keyboard: { en: ['keyboard'], ru: ['клавиатур'] },
  'cell phone': { en: ['phone', 'smartphone', 'cellphone', 'iphone'], ru: ['телефон', 'смартфон'] },
  microwave: { en: ['microwave'], ru: ['микроволнов'] },
  oven: { en: ['oven', 'stove'], ru: ['духовк', 'плита', 'плиту'] },
  toaster: { en: ['toaster'], ru: ['тостер'] },
  sink: { en: ['sink'], ru: ['раковин'] },
  refrigerator: { en: ['refrigerator', 'fridge'], ru: ['холодильник'] },
  book: { en: ['book', 'books', 'bookshelf'], ru: ['книг'] },
  clock: { en: ['clock'], ru: ['часы', 'часов'] },
  vase: { en: ['vase'], ru: ['ваза', 'вазы', 'вазу', 'вазе'] },
  scissors: { en: ['scissors'], ru: ['ножниц'] },
  'teddy bear': { en: ['teddy', 'teddy bear', 'plush'], ru: ['плюшев', 'мишк'] },
  'hair drier': { en: ['hair drier', 'hairdryer', 'hair dryer'], ru: ['=фен'] },
  toothbrush: { en: ['toothbrush'], ru: ['зубная щетк', 'зубной щетк'] },
};

/** Colour words → sRGB reference (English and Russian stems). */
export const COLOUR_WORDS: Array<{ name: string; hex: string; en: string[]; ru: string[] }> = [
  { name: 'red', hex: '#d62828', en: ['red', 'crimson', 'scarlet'], ru: ['красн', 'алый', 'алая'] },
  { name: 'orange', hex: '#f77f00', en: ['orange'], ru: ['оранжев'] },
  { name: 'yellow', hex: '#f6d32d', en: ['yellow', 'golden', 'gold'], ru: ['желт', 'жёлт', 'золот'] },
  { name: 'green', hex: '#2e9e44', en: ['green'], ru: ['зелен', 'зелён'] },
  { name: 'blue', hex: '#1f4fd6', en: ['blue', 'navy'], ru: ['синий', 'синяя', 'синее', 'синие', 'голуб'] },
  { name: 'purple', hex: '#7b2cbf', en: ['purple', 'violet', 'lilac'], ru: ['фиолетов', 'сиренев'] },
  { name: 'pink', hex: '#f08bb4', en: ['pink'], ru: ['розов'] },
  {
    name: 'brown',
    hex: '#7a4a22',
    en: ['brown', 'chocolate', 'wooden', 'wood'],
    ru: ['коричнев', 'шоколад', 'деревян'],
  },
  { name: 'black', hex: '#111111', en: ['black', 'dark'], ru: ['черн', 'чёрн', 'темн', 'тёмн'] },
  {
    name: 'white',
    hex: '#f4f4f4',
    en: ['white', 'snowy'],
    ru: ['белый', 'белая', 'белое', 'белые', 'белоснеж', 'снежн'],
  },
  { name: 'grey', hex: '#808080', en: ['grey', 'gray', 'silver'], ru: ['серый', 'серая', 'серое', 'серые', 'серебр'] },
  { name: 'beige', hex: '#d9c3a0', en: ['beige', 'cream', 'tan'], ru: ['бежев', 'кремов'] },
];

export interface PromptTargets {
  /** COCO classes the prompt asks for. */
  objects: string[];
  /** Colours the prompt (or the brand palette) asks for. */
  colours: Array<{ name: string; lab: Lab }>;
}

const WORD = /[\p{L}]+(?:-[\p{L}]+)?/gu;

function singular(w: string): string[] {
  const out = [w];
  if (w.endsWith('ies')) out.push(`${w.slice(0, -3)}y`);
  if (w.endsWith('es')) out.push(w.slice(0, -2));
  if (w.endsWith('s')) out.push(w.slice(0, -1));
  return out;
}

/** Extracts checkable targets from prompt texts (enhanced and original) and an optional brand palette. */
export function extractTargets(texts: readonly string[], brandPalette: readonly string[] = []): PromptTargets {
  const objects = new Set<string>();
  const colours = new Map<string, Lab>();
  for (const text of texts) {
    const lower = text.toLowerCase();
    const words = Array.from(lower.matchAll(WORD), (m) => m[0]);
    const forms = new Set(words.flatMap(singular));
    const joined = ` ${words.join(' ')} `;
    const latin = (w: string) => (w.includes(' ') ? joined.includes(` ${w} `) : forms.has(w));
    // Russian entries are stems ('собак' → собака, собаки …); '=' marks a whole word; spaces a phrase.
    const cyrillic = (stem: string) =>
      stem.startsWith('=')
        ? words.includes(stem.slice(1))
        : stem.includes(' ')
          ? joined.includes(` ${stem}`)
          : words.some((w) => w.startsWith(stem));
    for (const [cls, syn] of Object.entries(OBJECT_SYNONYMS)) {
      if (syn.en.some(latin) || syn.ru.some(cyrillic)) objects.add(cls);
    }
    for (const c of COLOUR_WORDS) {
      if (c.en.some(latin) || c.ru.some(cyrillic)) colours.set(c.name, hexToLab(c.hex));
    }
  }
  // "orange" is both a fruit and a colour; as a colour word next to other objects it is a colour.
  if (objects.has('orange') && colours.has('orange') && objects.size > 1) objects.delete('orange');
  for (const hex of brandPalette) colours.set(`brand ${hex.toLowerCase()}`, hexToLab(hex));
  return { objects: [...objects].sort(), colours: [...colours].map(([name, lab]) => ({ name, lab })) };
}
