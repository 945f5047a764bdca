import type { Lang } from './i18n';

/** Russian and English wording of one label. */
export interface Words {
  en: string;
  ru: string;
}

export interface AttributeWords {
  name: string;
  label: Words;
  values: Array<{ value: string; label: Words }>;
}

const attr = (name: string, en: string, ru: string, values: Array<[string, string, string]>): AttributeWords => ({
  name,
  label: { en, ru },
  values: values.map(([value, valueEn, valueRu]) => ({ value, label: { en: valueEn, ru: valueRu } })),
});

const GARMENT_COLOURS: Array<[string, string, string]> = [
  ['black', 'black', 'чёрный'],
  ['white', 'white', 'белый'],
  ['grey', 'grey', 'серый'],
  ['silver', 'silver', 'серебристый'],
  ['navy blue', 'navy blue', 'тёмно-синий'],
  ['blue', 'blue', 'синий'],
  ['light blue', 'light blue', 'голубой'],
  ['teal', 'teal', 'бирюзовый'],
  ['green', 'green', 'зелёный'],
  ['olive', 'olive', 'оливковый'],
  ['yellow', 'yellow', 'жёлтый'],
  ['orange', 'orange', 'оранжевый'],
  ['red', 'red', 'красный'],
  ['maroon', 'maroon', 'бордовый'],
  ['pink', 'pink', 'розовый'],
  ['purple', 'purple', 'фиолетовый'],
  ['brown', 'brown', 'коричневый'],
  ['beige', 'beige', 'бежевый'],
  ['gold', 'gold', 'золотистый'],
];

/**
 * The words of the recommender's photo attribute schema (names and values as the API sends them in photo
 * attributes, filters and explanation parts). The gateway cannot import the recommender, so this is a copy;
 * test/visual-attribute-words.spec.ts fails when the two drift apart.
 */
export const VISUAL_ATTRIBUTES: readonly AttributeWords[] = [
  attr('gender', 'gender', 'пол', [
    ['female', 'female', 'женский'],
    ['male', 'male', 'мужской'],
  ]),
  attr('age_group', 'age', 'возраст', [
    ['child', 'child', 'ребёнок'],
    ['teen', 'teen', 'подросток'],
    ['18-29', '18–29', '18–29'],
    ['30-44', '30–44', '30–44'],
    ['45-59', '45–59', '45–59'],
    ['60+', '60+', '60+'],
  ]),
  attr('hair_colour', 'hair colour', 'цвет волос', [
    ['black', 'black', 'чёрные'],
    ['dark brown', 'dark brown', 'тёмно-каштановые'],
    ['brown', 'brown', 'каштановые'],
    ['light brown', 'light brown', 'светло-русые'],
    ['blonde', 'blonde', 'светлые'],
    ['red', 'red', 'рыжие'],
    ['grey', 'grey', 'седые'],
    ['white', 'white', 'белые'],
  ]),
  attr('body_type', 'body type', 'телосложение', [
    ['slim', 'slim', 'стройное'],
    ['athletic', 'athletic', 'спортивное'],
    ['average', 'average', 'среднее'],
    ['curvy', 'curvy', 'пышное'],
    ['plus-size', 'plus-size', 'крупное'],
  ]),
  attr('expression', 'expression', 'выражение лица', [
    ['happy', 'smiling', 'улыбка'],
    ['neutral', 'neutral', 'спокойное'],
    ['sad', 'sad', 'грустное'],
    ['angry', 'angry', 'сердитое'],
    ['surprise', 'surprised', 'удивлённое'],
    ['fear', 'fearful', 'испуганное'],
    ['disgust', 'disgusted', 'брезгливое'],
  ]),
  attr('clothing_colour', 'clothing colour', 'цвет одежды', GARMENT_COLOURS),
  attr('vibe', 'vibe', 'стиль', [
    ['casual', 'casual', 'повседневный'],
    ['formal', 'formal', 'деловой'],
    ['sporty', 'sporty', 'спортивный'],
    ['elegant', 'elegant', 'элегантный'],
    ['party', 'party', 'вечерний'],
    ['ethnic', 'ethnic', 'этнический'],
    ['streetwear', 'streetwear', 'уличный'],
  ]),
  attr('setting', 'setting', 'обстановка', [
    ['indoor', 'indoors', 'в помещении'],
    ['outdoor', 'outdoors', 'на улице'],
    ['studio', 'studio', 'студия'],
    ['nature', 'nature', 'природа'],
    ['city', 'city', 'город'],
    ['beach', 'beach', 'пляж'],
  ]),
  attr('objects', 'objects', 'предметы', [
    ['person', 'person', 'человек'],
    ['dog', 'dog', 'собака'],
    ['cat', 'cat', 'кошка'],
    ['car', 'car', 'машина'],
    ['bicycle', 'bicycle', 'велосипед'],
    ['motorcycle', 'motorcycle', 'мотоцикл'],
    ['boat', 'boat', 'лодка'],
    ['surfboard', 'surfboard', 'сёрфборд'],
    ['skis', 'skis', 'лыжи'],
    ['sports ball', 'ball', 'мяч'],
    ['guitar', 'guitar', 'гитара'],
    ['book', 'book', 'книга'],
    ['cup', 'cup', 'чашка'],
    ['wine glass', 'wine glass', 'бокал'],
    ['laptop', 'laptop', 'ноутбук'],
    ['handbag', 'handbag', 'сумка'],
    ['backpack', 'backpack', 'рюкзак'],
    ['tie', 'tie', 'галстук'],
    ['umbrella', 'umbrella', 'зонт'],
    ['potted plant', 'plant', 'растение'],
    ['chair', 'chair', 'стул'],
    ['couch', 'couch', 'диван'],
    ['bench', 'bench', 'скамейка'],
  ]),
  attr('product_type', 'product type', 'тип товара', [
    ['t-shirt', 't-shirt', 'футболка'],
    ['shirt', 'shirt', 'рубашка'],
    ['top', 'top', 'топ'],
    ['kurta', 'kurta', 'курта'],
    ['sweater', 'sweater', 'свитер'],
    ['jacket', 'jacket', 'куртка'],
    ['dress', 'dress', 'платье'],
    ['saree', 'saree', 'сари'],
    ['skirt', 'skirt', 'юбка'],
    ['jeans', 'jeans', 'джинсы'],
    ['trousers', 'trousers', 'брюки'],
    ['shorts', 'shorts', 'шорты'],
    ['innerwear', 'underwear', 'нижнее бельё'],
    ['socks', 'socks', 'носки'],
    ['shoes', 'shoes', 'туфли'],
    ['sneakers', 'sneakers', 'кроссовки'],
    ['sandals', 'sandals', 'сандалии'],
    ['bag', 'bag', 'сумка'],
    ['wallet', 'wallet', 'кошелёк'],
    ['belt', 'belt', 'ремень'],
    ['watch', 'watch', 'часы'],
    ['sunglasses', 'sunglasses', 'солнцезащитные очки'],
    ['cap', 'cap', 'кепка'],
    ['jewellery', 'jewellery', 'украшения'],
    ['accessory', 'accessory', 'аксессуар'],
  ]),
  attr('colour', 'colour', 'цвет', GARMENT_COLOURS),
  attr('pattern', 'pattern', 'узор', [
    ['solid', 'solid', 'однотонный'],
    ['striped', 'striped', 'в полоску'],
    ['checked', 'checked', 'в клетку'],
    ['printed', 'printed', 'с принтом'],
  ]),
];

/**
 * Attributes offered as hard filters on the visual search page, with their control: `choice` is one value or
 * any (a select), `several` lets the user tick a range (age groups). A filter keeps only photos on which the
 * attribute was read confidently, so the page says so next to the controls.
 */
export const VISUAL_FILTERS: ReadonlyArray<{ name: string; control: 'choice' | 'several' }> = [
  { name: 'gender', control: 'choice' },
  { name: 'age_group', control: 'several' },
  { name: 'product_type', control: 'choice' },
  { name: 'colour', control: 'choice' },
  { name: 'pattern', control: 'choice' },
];

export function visualAttribute(name: string): AttributeWords | undefined {
  return VISUAL_ATTRIBUTES.find((a) => a.name === name);
}

/** `{name: {label, values: {value: label}}}` in one language, for the browser script. */
export function visualWordsFor(lang: Lang): Record<string, { label: string; values: Record<string, string> }> {
  return Object.fromEntries(
    VISUAL_ATTRIBUTES.map((a) => [
      a.name,
      { label: a.label[lang], values: Object.fromEntries(a.values.map((v) => [v.value, v.label[lang]])) },
    ]),
  );
}

// Catalogue attributes are free-form columns of the shop's feed (fashion-product-images: gender, baseColour,
// season, usage, year…). Known names and values are put into words; anything else is shown as the shop wrote it.
const CATALOG_NAMES: Record<string, Words> = {
  gender: { en: 'gender', ru: 'пол' },
  basecolour: { en: 'colour', ru: 'цвет' },
  colour: { en: 'colour', ru: 'цвет' },
  color: { en: 'colour', ru: 'цвет' },
  season: { en: 'season', ru: 'сезон' },
  usage: { en: 'occasion', ru: 'повод' },
  year: { en: 'year', ru: 'год' },
  articletype: { en: 'type', ru: 'тип' },
  mastercategory: { en: 'category', ru: 'категория' },
  subcategory: { en: 'subcategory', ru: 'подкатегория' },
  brand: { en: 'brand', ru: 'бренд' },
  material: { en: 'material', ru: 'материал' },
  pattern: { en: 'pattern', ru: 'узор' },
  size: { en: 'size', ru: 'размер' },
};

const CATALOG_VALUES: Record<string, Words> = {
  men: { en: 'men', ru: 'мужской' },
  women: { en: 'women', ru: 'женский' },
  boys: { en: 'boys', ru: 'для мальчиков' },
  girls: { en: 'girls', ru: 'для девочек' },
  unisex: { en: 'unisex', ru: 'унисекс' },
  summer: { en: 'summer', ru: 'лето' },
  winter: { en: 'winter', ru: 'зима' },
  fall: { en: 'autumn', ru: 'осень' },
  autumn: { en: 'autumn', ru: 'осень' },
  spring: { en: 'spring', ru: 'весна' },
  casual: { en: 'casual', ru: 'повседневный' },
  formal: { en: 'formal', ru: 'деловой' },
  sports: { en: 'sports', ru: 'спорт' },
  ethnic: { en: 'ethnic', ru: 'этнический' },
  party: { en: 'party', ru: 'вечеринка' },
  'smart casual': { en: 'smart casual', ru: 'смарт-кэжуал' },
  travel: { en: 'travel', ru: 'путешествия' },
  home: { en: 'home', ru: 'дом' },
  multi: { en: 'multicoloured', ru: 'разноцветный' },
  cream: { en: 'cream', ru: 'кремовый' },
  'off white': { en: 'off-white', ru: 'молочный' },
  charcoal: { en: 'charcoal', ru: 'графитовый' },
  steel: { en: 'steel', ru: 'стальной' },
  khaki: { en: 'khaki', ru: 'хаки' },
  'grey melange': { en: 'grey melange', ru: 'серый меланж' },
  lavender: { en: 'lavender', ru: 'лавандовый' },
  peach: { en: 'peach', ru: 'персиковый' },
  tan: { en: 'tan', ru: 'рыжевато-коричневый' },
  magenta: { en: 'magenta', ru: 'пурпурный' },
  mustard: { en: 'mustard', ru: 'горчичный' },
  burgundy: { en: 'burgundy', ru: 'бургундский' },
  'turquoise blue': { en: 'turquoise', ru: 'бирюзовый' },
  ...Object.fromEntries(GARMENT_COLOURS.map(([value, en, ru]) => [value, { en, ru }])),
};

/** A catalogue attribute in words: its name and value in the page's language (unknown ones as written). */
export function catalogAttributeWords(name: string, value: string, lang: Lang): { name: string; value: string } {
  return {
    name: CATALOG_NAMES[name.toLowerCase()]?.[lang] ?? name,
    value: CATALOG_VALUES[value.trim().toLowerCase()]?.[lang] ?? value,
  };
}

// Catalogue category path segments (fashion-product-images' master and sub categories).
const CATEGORY_WORDS: Record<string, Words> = {
  apparel: { en: 'Apparel', ru: 'Одежда' },
  accessories: { en: 'Accessories', ru: 'Аксессуары' },
  footwear: { en: 'Footwear', ru: 'Обувь' },
  'personal care': { en: 'Personal care', ru: 'Уход' },
  'sporting goods': { en: 'Sporting goods', ru: 'Спорттовары' },
  home: { en: 'Home', ru: 'Дом' },
  topwear: { en: 'Tops', ru: 'Верх' },
  bottomwear: { en: 'Bottoms', ru: 'Низ' },
  dress: { en: 'Dresses', ru: 'Платья' },
  innerwear: { en: 'Underwear', ru: 'Бельё' },
  'loungewear and nightwear': { en: 'Loungewear', ru: 'Домашняя одежда' },
  saree: { en: 'Sarees', ru: 'Сари' },
  shoes: { en: 'Shoes', ru: 'Туфли и кроссовки' },
  sandal: { en: 'Sandals', ru: 'Сандалии' },
  'flip flops': { en: 'Flip-flops', ru: 'Шлёпанцы' },
  bags: { en: 'Bags', ru: 'Сумки' },
  watches: { en: 'Watches', ru: 'Часы' },
  jewellery: { en: 'Jewellery', ru: 'Украшения' },
  eyewear: { en: 'Eyewear', ru: 'Очки' },
  belts: { en: 'Belts', ru: 'Ремни' },
  wallets: { en: 'Wallets', ru: 'Кошельки' },
  headwear: { en: 'Headwear', ru: 'Головные уборы' },
  socks: { en: 'Socks', ru: 'Носки' },
  ties: { en: 'Ties', ru: 'Галстуки' },
  scarves: { en: 'Scarves', ru: 'Шарфы' },
  gloves: { en: 'Gloves', ru: 'Перчатки' },
  fragrance: { en: 'Fragrance', ru: 'Парфюмерия' },
  // The commonest article types (the path's last segment), so a Russian page does not end in English.
  tshirts: { en: 'T-shirts', ru: 'Футболки' },
  shirts: { en: 'Shirts', ru: 'Рубашки' },
  tops: { en: 'Tops', ru: 'Топы' },
  kurtas: { en: 'Kurtas', ru: 'Курты' },
  kurtis: { en: 'Kurtis', ru: 'Курти' },
  tunics: { en: 'Tunics', ru: 'Туники' },
  sweatshirts: { en: 'Sweatshirts', ru: 'Свитшоты' },
  sweaters: { en: 'Sweaters', ru: 'Свитеры' },
  jackets: { en: 'Jackets', ru: 'Куртки' },
  dresses: { en: 'Dresses', ru: 'Платья' },
  sarees: { en: 'Sarees', ru: 'Сари' },
  jeans: { en: 'Jeans', ru: 'Джинсы' },
  trousers: { en: 'Trousers', ru: 'Брюки' },
  'track pants': { en: 'Track pants', ru: 'Спортивные брюки' },
  shorts: { en: 'Shorts', ru: 'Шорты' },
  skirts: { en: 'Skirts', ru: 'Юбки' },
  leggings: { en: 'Leggings', ru: 'Леггинсы' },
  capris: { en: 'Capris', ru: 'Капри' },
  briefs: { en: 'Briefs', ru: 'Трусы' },
  bra: { en: 'Bras', ru: 'Бюстгальтеры' },
  'casual shoes': { en: 'Casual shoes', ru: 'Повседневная обувь' },
  'sports shoes': { en: 'Sports shoes', ru: 'Кроссовки' },
  'formal shoes': { en: 'Formal shoes', ru: 'Туфли' },
  heels: { en: 'Heels', ru: 'Туфли на каблуке' },
  flats: { en: 'Flats', ru: 'Балетки' },
  sandals: { en: 'Sandals', ru: 'Сандалии' },
  handbags: { en: 'Handbags', ru: 'Сумки' },
  backpacks: { en: 'Backpacks', ru: 'Рюкзаки' },
  clutches: { en: 'Clutches', ru: 'Клатчи' },
  sunglasses: { en: 'Sunglasses', ru: 'Солнцезащитные очки' },
  caps: { en: 'Caps', ru: 'Кепки' },
  earrings: { en: 'Earrings', ru: 'Серьги' },
  'perfume and body mist': { en: 'Perfume and body mist', ru: 'Духи и спреи для тела' },
  deodorant: { en: 'Deodorant', ru: 'Дезодоранты' },
  lipstick: { en: 'Lipstick', ru: 'Помада' },
  'nail polish': { en: 'Nail polish', ru: 'Лак для ногтей' },
};

/** A category path in the page's language ("Apparel › Topwear" → «Одежда › Верх»); unknown segments as written. */
export function catalogCategoryWords(path: readonly string[], lang: Lang): string {
  return path.map((segment) => CATEGORY_WORDS[segment.trim().toLowerCase()]?.[lang] ?? segment).join(' › ');
}
