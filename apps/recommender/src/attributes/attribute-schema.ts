import { ciede2000, rgbToLab, type Lab } from '@atelier/colour-science';

/** Russian and English wording of one label. */
export interface Wording {
  en: string;
  ru: string;
}

export type AttributeKind = 'colour' | 'ordinal' | 'nominal';
export type AttributeCategory = 'appearance' | 'style' | 'context' | 'product';

export interface AttributeValueSpec {
  value: string;
  label: Wording;
  /** Representative sRGB of a colour value (its similarity comes from CIEDE2000 between these). */
  rgb?: [number, number, number];
  /**
   * How English catalogues name this value ("tshirts", "sports shoes", "men"): the prompts the contrastive text
   * tower embeds for zero-shot classification and what a Russian query word for the value becomes for that tower
   * (the English label when absent). "t-shirt" itself would tokenise to "shirt".
   */
  terms?: string[];
}

export interface AttributeSpec {
  name: string;
  category: AttributeCategory;
  kind: AttributeKind;
  label: Wording;
  values: AttributeValueSpec[];
  /** Several values per photo (objects in the scene). */
  multi?: boolean;
  /** Nominal pairs that are partly alike (symmetric), e.g. shirt ~ t-shirt. */
  related?: Array<[string, string, number]>;
}

const w = (en: string, ru: string): Wording => ({ en, ru });
const v = (value: string, en: string, ru: string, rgb?: [number, number, number]): AttributeValueSpec => ({
  value,
  label: w(en, ru),
  rgb,
});
const t = (value: string, en: string, ru: string, terms: string[]): AttributeValueSpec => ({
  value,
  label: w(en, ru),
  terms,
});

// Garment and product colours; fashion-product-images' baseColour names map onto these.
const GARMENT_COLOURS: AttributeValueSpec[] = [
  v('black', 'black', 'чёрный', [20, 20, 20]),
  v('white', 'white', 'белый', [245, 245, 245]),
  v('grey', 'grey', 'серый', [128, 128, 128]),
  v('silver', 'silver', 'серебристый', [192, 192, 192]),
  v('navy blue', 'navy blue', 'тёмно-синий', [25, 35, 90]),
  v('blue', 'blue', 'синий', [40, 90, 200]),
  v('light blue', 'light blue', 'голубой', [140, 185, 235]),
  v('teal', 'teal', 'бирюзовый', [0, 128, 128]),
  v('green', 'green', 'зелёный', [40, 140, 60]),
  v('olive', 'olive', 'оливковый', [110, 110, 40]),
  v('yellow', 'yellow', 'жёлтый', [240, 215, 50]),
  v('orange', 'orange', 'оранжевый', [245, 130, 30]),
  v('red', 'red', 'красный', [200, 30, 35]),
  v('maroon', 'maroon', 'бордовый', [110, 20, 35]),
  v('pink', 'pink', 'розовый', [240, 140, 175]),
  v('purple', 'purple', 'фиолетовый', [115, 50, 140]),
  v('brown', 'brown', 'коричневый', [115, 70, 40]),
  v('beige', 'beige', 'бежевый', [225, 205, 170]),
  v('gold', 'gold', 'золотистый', [205, 170, 70]),
];

const HAIR_COLOURS: AttributeValueSpec[] = [
  v('black', 'black', 'чёрные', [25, 20, 20]),
  v('dark brown', 'dark brown', 'тёмно-каштановые', [60, 40, 30]),
  v('brown', 'brown', 'каштановые', [100, 65, 40]),
  v('light brown', 'light brown', 'светло-русые', [165, 125, 85]),
  v('blonde', 'blonde', 'светлые', [220, 190, 130]),
  v('red', 'red', 'рыжие', [165, 70, 35]),
  v('grey', 'grey', 'седые', [160, 160, 160]),
  v('white', 'white', 'белые', [230, 230, 225]),
];

/**
 * The attribute schema as data: every attribute any extractor may emit, its allowed values with Russian and
 * English labels, and (through `similarity`) how alike two values are. Extractors, the vlm prompt, filters,
 * fuzzy scoring and explanations all read this one list.
 */
export const ATTRIBUTE_SCHEMA: readonly AttributeSpec[] = [
  {
    name: 'gender',
    category: 'appearance',
    kind: 'nominal',
    label: w('gender', 'пол'),
    values: [t('female', 'female', 'женский', ['women']), t('male', 'male', 'мужской', ['men'])],
  },
  {
    name: 'age_group',
    category: 'appearance',
    kind: 'ordinal',
    label: w('age', 'возраст'),
    values: [
      v('child', 'child', 'ребёнок'),
      v('teen', 'teen', 'подросток'),
      v('18-29', '18–29', '18–29'),
      v('30-44', '30–44', '30–44'),
      v('45-59', '45–59', '45–59'),
      v('60+', '60+', '60+'),
    ],
  },
  {
    name: 'hair_colour',
    category: 'appearance',
    kind: 'colour',
    label: w('hair colour', 'цвет волос'),
    values: HAIR_COLOURS,
  },
  {
    name: 'body_type',
    category: 'appearance',
    kind: 'ordinal',
    label: w('body type', 'телосложение'),
    values: [
      v('slim', 'slim', 'стройное'),
      v('athletic', 'athletic', 'спортивное'),
      v('average', 'average', 'среднее'),
      v('curvy', 'curvy', 'пышное'),
      v('plus-size', 'plus-size', 'крупное'),
    ],
  },
  {
    name: 'expression',
    category: 'appearance',
    kind: 'nominal',
    label: w('expression', 'выражение лица'),
    values: [
      v('happy', 'smiling', 'улыбка'),
      v('neutral', 'neutral', 'спокойное'),
      v('sad', 'sad', 'грустное'),
      v('angry', 'angry', 'сердитое'),
      v('surprise', 'surprised', 'удивлённое'),
      v('fear', 'fearful', 'испуганное'),
      v('disgust', 'disgusted', 'брезгливое'),
    ],
    related: [
      ['happy', 'surprise', 0.4],
      ['neutral', 'sad', 0.3],
      ['angry', 'disgust', 0.5],
      ['fear', 'surprise', 0.4],
    ],
  },
  {
    name: 'clothing_colour',
    category: 'style',
    kind: 'colour',
    label: w('clothing colour', 'цвет одежды'),
    values: GARMENT_COLOURS,
  },
  {
    name: 'vibe',
    category: 'style',
    kind: 'nominal',
    label: w('vibe', 'стиль'),
    values: [
      v('casual', 'casual', 'повседневный'),
      v('formal', 'formal', 'деловой'),
      v('sporty', 'sporty', 'спортивный'),
      v('elegant', 'elegant', 'элегантный'),
      v('party', 'party', 'вечерний'),
      v('ethnic', 'ethnic', 'этнический'),
      v('streetwear', 'streetwear', 'уличный'),
    ],
    related: [
      ['formal', 'elegant', 0.6],
      ['party', 'elegant', 0.6],
      ['casual', 'streetwear', 0.6],
      ['casual', 'sporty', 0.4],
      ['sporty', 'streetwear', 0.4],
    ],
  },
  {
    name: 'setting',
    category: 'context',
    kind: 'nominal',
    label: w('setting', 'обстановка'),
    values: [
      v('indoor', 'indoors', 'в помещении'),
      v('outdoor', 'outdoors', 'на улице'),
      v('studio', 'studio', 'студия'),
      v('nature', 'nature', 'природа'),
      v('city', 'city', 'город'),
      v('beach', 'beach', 'пляж'),
    ],
    related: [
      ['outdoor', 'nature', 0.7],
      ['outdoor', 'city', 0.7],
      ['outdoor', 'beach', 0.6],
      ['nature', 'beach', 0.5],
      ['indoor', 'studio', 0.6],
    ],
  },
  {
    name: 'objects',
    category: 'context',
    kind: 'nominal',
    multi: true,
    label: w('objects', 'предметы'),
    values: [
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
    ].map(([value, en, ru]) => v(value, en, ru)),
  },
  {
    name: 'product_type',
    category: 'product',
    kind: 'nominal',
    label: w('product type', 'тип товара'),
    values: [
      t('t-shirt', 't-shirt', 'футболка', ['tshirts', 'tee']),
      t('shirt', 'shirt', 'рубашка', ['shirts']),
      t('top', 'top', 'топ', ['tops', 'tunics']),
      t('kurta', 'kurta', 'курта', ['kurtas', 'kurtis']),
      t('sweater', 'sweater', 'свитер', ['sweaters', 'sweatshirts']),
      t('jacket', 'jacket', 'куртка', ['jackets', 'blazers']),
      t('dress', 'dress', 'платье', ['dresses']),
      t('saree', 'saree', 'сари', ['sarees']),
      t('skirt', 'skirt', 'юбка', ['skirts']),
      t('jeans', 'jeans', 'джинсы', ['jeans', 'denim jeans']),
      t('trousers', 'trousers', 'брюки', ['trousers', 'track pants']),
      t('shorts', 'shorts', 'шорты', ['shorts']),
      t('innerwear', 'underwear', 'нижнее бельё', ['innerwear', 'briefs', 'bra', 'trunks']),
      t('socks', 'socks', 'носки', ['socks']),
      t('shoes', 'shoes', 'туфли', ['casual shoes', 'formal shoes', 'heels', 'flats']),
      t('sneakers', 'sneakers', 'кроссовки', ['sneakers', 'sports shoes']),
      t('sandals', 'sandals', 'сандалии', ['sandals', 'flip flops']),
      t('bag', 'bag', 'сумка', ['bags', 'handbags', 'backpacks', 'clutches']),
      t('wallet', 'wallet', 'кошелёк', ['wallets']),
      t('belt', 'belt', 'ремень', ['belts']),
      t('watch', 'watch', 'часы', ['watches']),
      t('sunglasses', 'sunglasses', 'солнцезащитные очки', ['sunglasses']),
      t('cap', 'cap', 'кепка', ['caps', 'hats']),
      t('jewellery', 'jewellery', 'украшения', ['jewellery', 'earrings', 'necklace', 'pendant', 'bracelet']),
      t('accessory', 'accessory', 'аксессуар', ['accessories', 'ties', 'scarves']),
    ],
    related: [
      ['t-shirt', 'top', 0.6],
      ['t-shirt', 'shirt', 0.5],
      ['shirt', 'top', 0.5],
      ['kurta', 'top', 0.5],
      ['kurta', 'shirt', 0.3],
      ['kurta', 'dress', 0.4],
      ['saree', 'dress', 0.3],
      ['sweater', 'jacket', 0.4],
      ['jeans', 'trousers', 0.7],
      ['trousers', 'shorts', 0.4],
      ['innerwear', 'socks', 0.3],
      ['shoes', 'sneakers', 0.5],
      ['shoes', 'sandals', 0.5],
      ['sneakers', 'sandals', 0.3],
      ['dress', 'skirt', 0.4],
      ['bag', 'wallet', 0.4],
      ['bag', 'accessory', 0.4],
      ['wallet', 'accessory', 0.4],
      ['belt', 'accessory', 0.5],
      ['watch', 'accessory', 0.4],
      ['watch', 'jewellery', 0.3],
      ['sunglasses', 'accessory', 0.4],
      ['cap', 'accessory', 0.4],
      ['jewellery', 'accessory', 0.5],
    ],
  },
  {
    name: 'colour',
    category: 'product',
    kind: 'colour',
    label: w('colour', 'цвет'),
    values: GARMENT_COLOURS,
  },
  {
    name: 'pattern',
    category: 'product',
    kind: 'nominal',
    label: w('pattern', 'узор'),
    values: [
      v('solid', 'solid', 'однотонный'),
      v('striped', 'striped', 'в полоску'),
      v('checked', 'checked', 'в клетку'),
      v('printed', 'printed', 'с принтом'),
    ],
    related: [
      ['striped', 'checked', 0.4],
      ['checked', 'printed', 0.3],
      ['striped', 'printed', 0.3],
    ],
  },
];

/** CIEDE2000 distance at which two colours count as half-similar. */
export const COLOUR_HALF_SIMILAR_DE = 18;

/** A compiled schema: value indices and the similarity matrix of every attribute. */
export class AttributeSchema {
  private readonly specs = new Map<string, AttributeSpec>();
  private readonly indices = new Map<string, Map<string, number>>();
  private readonly matrices = new Map<string, Float64Array>();

  constructor(readonly attributes: readonly AttributeSpec[] = ATTRIBUTE_SCHEMA) {
    for (const spec of attributes) {
      this.specs.set(spec.name, spec);
      this.indices.set(spec.name, new Map(spec.values.map((val, i) => [val.value, i])));
      this.matrices.set(spec.name, similarityMatrix(spec));
    }
  }

  spec(name: string): AttributeSpec | undefined {
    return this.specs.get(name);
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  has(name: string, value: string): boolean {
    return this.indices.get(name)?.has(value) ?? false;
  }

  /** Similarity of two values of one attribute in [0, 1]; 0 for unknown values. */
  similarity(name: string, a: string, b: string): number {
    const index = this.indices.get(name);
    const i = index?.get(a);
    const j = index?.get(b);
    if (i === undefined || j === undefined) return 0;
    const n = index?.size ?? 0;
    return this.matrices.get(name)?.[i * n + j] ?? 0;
  }

  /** The value spec with its wording. */
  value(name: string, value: string): AttributeValueSpec | undefined {
    const i = this.indices.get(name)?.get(value);
    return i === undefined ? undefined : this.specs.get(name)?.values[i];
  }

  /** The nearest named colour of a colour attribute to a measured CIELAB value, with its CIEDE2000 distance. */
  nearestColour(name: string, lab: Lab): { value: string; deltaE: number } | undefined {
    const spec = this.specs.get(name);
    if (!spec || spec.kind !== 'colour') return undefined;
    let best: { value: string; deltaE: number } | undefined;
    for (const val of spec.values) {
      if (!val.rgb) continue;
      const deltaE = ciede2000(lab, rgbToLab(...val.rgb));
      if (!best || deltaE < best.deltaE) best = { value: val.value, deltaE };
    }
    return best;
  }
}

function similarityMatrix(spec: AttributeSpec): Float64Array {
  const n = spec.values.length;
  const m = new Float64Array(n * n);
  const labs = spec.values.map((val) => (val.rgb ? rgbToLab(...val.rgb) : undefined));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? 1 : 0;
      if (i !== j && spec.kind === 'colour') {
        const a = labs[i];
        const b = labs[j];
        // Gaussian in CIEDE2000: ΔE 18 → 0.5, "light brown" ~ "blonde" high, "black" ~ "blonde" ≈ 0.
        if (a && b) s = Math.exp(-Math.LN2 * (ciede2000(a, b) / COLOUR_HALF_SIMILAR_DE) ** 2);
      } else if (i !== j && spec.kind === 'ordinal') {
        // Linear in rank distance: neighbours alike, the ends opposite.
        s = Math.max(0, 1 - (2 * Math.abs(i - j)) / Math.max(2, n - 1));
      }
      m[i * n + j] = s;
    }
  }
  const index = new Map(spec.values.map((val, i) => [val.value, i]));
  for (const [a, b, s] of spec.related ?? []) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined)
      throw new Error(`${spec.name}: related pair ${a}/${b} is not in the schema`);
    m[i * n + j] = s;
    m[j * n + i] = s;
  }
  return m;
}
