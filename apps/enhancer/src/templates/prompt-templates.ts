/**
 * Prompt templates as reviewed data: the base template every prompt gets, style templates a brand profile
 * picks by its style words, subject modifiers chosen by what the request shows, and the modifier groups
 * whose options the learned policy chooses between. Change wording here, not in code.
 */

export const BASE_TEMPLATE = {
  quality: ['high quality', 'sharp focus', 'detailed'],
  finishing: ['professional color grading'],
  negative: ['blurry', 'low quality', 'distorted', 'deformed hands', 'watermark', 'jpeg artifacts', 'garbled text'],
} as const;

export type StyleName =
  'elegant' | 'minimalist' | 'romantic' | 'dramatic' | 'playful' | 'premium' | 'eco' | 'cozy' | 'bold' | 'vintage';

export const STYLE_TEMPLATES: Readonly<Record<StyleName, readonly string[]>> = {
  elegant: ['elegant refined styling', 'graceful lines', 'muted sophisticated palette'],
  minimalist: ['minimalist composition', 'clean negative space', 'simple geometric shapes'],
  romantic: ['romantic dreamy atmosphere', 'soft pastel tones', 'gentle bokeh'],
  dramatic: ['dramatic contrast', 'deep shadows', 'cinematic mood'],
  playful: ['playful vibrant colors', 'fun dynamic composition', 'cheerful energy'],
  premium: ['premium luxury aesthetic', 'rich textures', 'polished surfaces'],
  eco: ['natural eco-friendly aesthetic', 'organic materials', 'earthy green tones'],
  cozy: ['cozy warm atmosphere', 'soft textiles', 'inviting homely feel'],
  bold: ['bold graphic look', 'saturated colors', 'strong shapes'],
  vintage: ['vintage film look', 'faded warm tones', 'subtle grain'],
};

export type Subject =
  | 'workplace'
  | 'corporate'
  | 'beauty'
  | 'real_estate'
  | 'event'
  | 'product'
  | 'food'
  | 'clothing'
  | 'interior'
  | 'people';

/**
 * Detected on the English text by whole-word keywords; the first subject that matches wins (a hiring request is
 * always a workplace, whatever the job is). Order matters: a law firm's office is corporate before it is an
 * interior, a makeup brush set is beauty before it is a product.
 */
export const SUBJECT_MODIFIERS: Readonly<Record<Subject, { keywords: readonly string[]; phrases: readonly string[] }>> =
  {
    workplace: {
      keywords: ['job opening', 'vacancy', 'hiring', 'internship', 'career', 'careers', 'recruitment'],
      phrases: ['friendly team at work in a real workplace', 'natural candid moment', 'welcoming professional mood'],
    },
    corporate: {
      keywords: [
        'law firm',
        'lawyer',
        'attorney',
        'legal',
        'accounting',
        'accountant',
        'audit',
        'bank',
        'insurance',
        'consulting',
        'consultation',
        'notary',
        'loan',
        'investment',
      ],
      phrases: ['restrained corporate palette of navy, gray and white', 'clean professional composition'],
    },
    beauty: {
      keywords: [
        'makeup',
        'manicure',
        'pedicure',
        'nail',
        'brow',
        'eyelash',
        'beauty salon',
        'salon',
        'barbershop',
        'haircut',
        'hair styling',
        'cosmetologist',
        'skincare',
        'spa',
        'massage',
        'lipstick',
        'mascara',
      ],
      phrases: ['soft flattering beauty light', 'clean polished beauty close-up'],
    },
    real_estate: {
      keywords: [
        'residential complex',
        'new building',
        'real estate',
        'realtor',
        'floor plan',
        'cottage',
        'country house',
        'mortgage',
      ],
      phrases: ['architectural photography', 'bright natural daylight', 'straight vertical lines'],
    },
    event: {
      keywords: [
        'concert',
        'festival',
        'party',
        'exhibition',
        'conference',
        'workshop',
        'webinar',
        'lecture',
        'fair',
        'performance',
        'wedding',
        'tasting',
        'quiz night',
        'marathon',
        'race',
        'tournament',
      ],
      phrases: ['lively event atmosphere', 'guests engaged in the moment'],
    },
    food: {
      keywords: [
        'coffee',
        'latte',
        'cappuccino',
        'tea',
        'cake',
        'pastry',
        'pastries',
        'croissant',
        'bread',
        'pizza',
        'burger',
        'sushi',
        'salad',
        'breakfast',
        'lunch',
        'dinner',
        'dessert',
        'food',
        'dish',
        'drink',
        'cocktail',
        'lemonade',
        'juice',
        'wine',
        'chocolate',
        'ice cream',
        'bakery',
        'restaurant',
        'cafe',
      ],
      phrases: ['appetizing food styling', 'fresh ingredients', 'shallow depth of field'],
    },
    clothing: {
      keywords: [
        'dress',
        'skirt',
        'blouse',
        'shirt',
        't-shirt',
        'top',
        'sweater',
        'hoodie',
        'coat',
        'jacket',
        'trousers',
        'pants',
        'jeans',
        'shorts',
        'swimsuit',
        'shoes',
        'sneakers',
        'boots',
        'clothing',
        'fashion',
        'look',
        'lookbook',
        'collection',
        'scarf',
        'hat',
      ],
      phrases: ['fashion editorial', 'fabric texture and drape visible', 'fit and cut details'],
    },
    product: {
      keywords: [
        'product',
        'bottle',
        'jar',
        'box',
        'packaging',
        'perfume',
        'cosmetics',
        'cream',
        'serum',
        'candle',
        'watch',
        'ring',
        'earrings',
        'necklace',
        'bracelet',
        'jewelry',
        'bag',
        'backpack',
        'wallet',
        'smartphone',
        'headphones',
        'laptop',
        'gadget',
        'toy',
        'cup',
        'mug',
        'vase',
      ],
      phrases: ['product hero shot', 'crisp material details', 'subtle reflection'],
    },
    interior: {
      keywords: [
        'interior',
        'room',
        'living room',
        'bedroom',
        'kitchen',
        'furniture',
        'sofa',
        'armchair',
        'chair',
        'table',
        'lamp',
        'office',
        'shop window',
        'apartment',
      ],
      phrases: ['interior photography', 'balanced perspective', 'natural depth'],
    },
    people: {
      keywords: [
        'woman',
        'young woman',
        'man',
        'young man',
        'girl',
        'boy',
        'child',
        'children',
        'family',
        'model',
        'people',
        'barista',
        'chef',
        'team',
        'portrait',
        'customer',
      ],
      phrases: ['natural candid pose', 'authentic expression', 'flattering skin tones'],
    },
  };

export type ModifierGroup = 'lighting' | 'background' | 'camera' | 'finish';

/** The learned policy picks one option per group; the first option is the fixed policy's choice. */
export const MODIFIER_GROUPS: Readonly<Record<ModifierGroup, readonly string[]>> = {
  lighting: [
    'soft natural window light',
    'bright even studio softbox light',
    'warm golden hour sunlight',
    'dramatic rim lighting',
  ],
  background: [
    'clean seamless backdrop',
    'softly blurred lifestyle setting',
    'textured surface background',
    'solid brand color background',
  ],
  camera: ['eye-level medium shot', 'overhead flat lay view', 'close-up macro detail', 'three-quarter angle'],
  finish: ['true-to-life colors', 'airy bright tones', 'rich moody tones', 'film-like warmth'],
};

/**
 * Policy options that contradict a subject (or a format) and are skipped for it: no golden-hour glow for a law
 * firm, no food-style flat lay of a team at work, no flat lay on a poster of people or an event.
 */
export const INCOMPATIBLE_FRAGMENTS: Readonly<Partial<Record<Subject | 'poster', readonly string[]>>> = {
  corporate: ['warm golden hour sunlight', 'dramatic rim lighting', 'film-like warmth', 'overhead flat lay view'],
  workplace: [
    'overhead flat lay view',
    'close-up macro detail',
    'clean seamless backdrop',
    'textured surface background',
  ],
  real_estate: ['overhead flat lay view', 'close-up macro detail', 'clean seamless backdrop'],
  event: ['overhead flat lay view', 'clean seamless backdrop', 'close-up macro detail'],
  people: ['overhead flat lay view', 'close-up macro detail'],
  beauty: ['overhead flat lay view'],
  interior: ['overhead flat lay view', 'close-up macro detail', 'clean seamless backdrop'],
  poster: ['overhead flat lay view'],
};

export const MODIFIER_GROUP_NAMES = Object.keys(MODIFIER_GROUPS) as ModifierGroup[];
