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

export type Subject = 'product' | 'food' | 'clothing' | 'interior' | 'people';

/** Detected on the English text by whole-word keywords; the first subject that matches wins. */
export const SUBJECT_MODIFIERS: Readonly<Record<Subject, { keywords: readonly string[]; phrases: readonly string[] }>> =
  {
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

export const MODIFIER_GROUP_NAMES = Object.keys(MODIFIER_GROUPS) as ModifierGroup[];
