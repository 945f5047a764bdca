import sharp from 'sharp';

const HUE_BINS = 12;
const GREYS = 4;
/** 12 hues × 2 saturation levels + 4 grey levels. */
export const COLOUR_DIMENSIONS = HUE_BINS * 2 + GREYS;

function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d + 6) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h /= 6;
  }
  return [h, max === 0 ? 0 : d / max, max];
}

function bin(r: number, g: number, b: number): number {
  const [h, s, v] = rgbToHsv(r / 255, g / 255, b / 255);
  if (s < 0.2 || v < 0.15) return HUE_BINS * 2 + Math.min(GREYS - 1, Math.floor(v * GREYS));
  return Math.min(HUE_BINS - 1, Math.floor(h * HUE_BINS)) * 2 + (s < 0.55 ? 0 : 1);
}

/** Square root of an L1-normalised histogram (Hellinger), then L2-normalised: cosine = Bhattacharyya overlap. */
function finish(hist: Float32Array): Float32Array {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return hist;
  let sum = 0;
  for (let i = 0; i < hist.length; i++) {
    hist[i] = Math.sqrt(hist[i] / total);
    sum += hist[i] * hist[i];
  }
  for (let i = 0; i < hist.length; i++) hist[i] /= Math.sqrt(sum);
  return hist;
}

/**
 * Colour histogram of a product photo. Near-white pixels are dropped: catalogue photos sit on white,
 * and the background would otherwise dominate every histogram.
 */
export async function imageColourFeatures(image: Buffer): Promise<Float32Array> {
  const { data, info } = await sharp(image, { limitInputPixels: 40_000_000 })
    .resize(48, 48, { fit: 'inside' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const hist = new Float32Array(COLOUR_DIMENSIONS);
  for (let p = 0; p < info.width * info.height; p++) {
    const [r, g, b] = [data[p * 3], data[p * 3 + 1], data[p * 3 + 2]];
    if (r > 235 && g > 235 && b > 235) continue;
    hist[bin(r, g, b)]++;
  }
  return finish(hist);
}

// Catalogue colour names (English and Russian) → a representative sRGB.
const NAMED: Record<string, [number, number, number]> = {
  black: [20, 20, 20],
  white: [250, 250, 250],
  grey: [128, 128, 128],
  gray: [128, 128, 128],
  silver: [192, 192, 192],
  charcoal: [54, 69, 79],
  'grey melange': [150, 150, 150],
  red: [200, 30, 30],
  maroon: [128, 0, 0],
  burgundy: [128, 0, 32],
  pink: [240, 130, 170],
  magenta: [255, 0, 255],
  rose: [230, 100, 130],
  orange: [250, 130, 20],
  rust: [183, 65, 14],
  peach: [255, 200, 160],
  yellow: [240, 220, 40],
  gold: [212, 175, 55],
  mustard: [225, 173, 1],
  'lime green': [50, 205, 50],
  green: [30, 140, 50],
  olive: [110, 110, 30],
  'sea green': [46, 139, 87],
  'fluorescent green': [100, 255, 50],
  teal: [0, 128, 128],
  turquoise: [64, 224, 208],
  'turquoise blue': [0, 199, 200],
  blue: [30, 80, 200],
  'navy blue': [20, 30, 90],
  navy: [20, 30, 90],
  purple: [120, 40, 140],
  lavender: [180, 160, 220],
  mauve: [200, 160, 190],
  brown: [120, 70, 30],
  'coffee brown': [100, 60, 30],
  bronze: [205, 127, 50],
  copper: [184, 115, 51],
  tan: [210, 180, 140],
  khaki: [195, 176, 145],
  beige: [230, 215, 180],
  cream: [255, 250, 220],
  'off white': [245, 240, 230],
  nude: [230, 190, 160],
  skin: [230, 190, 160],
  mushroom: [160, 140, 120],
  'mushroom brown': [160, 120, 90],
  taupe: [140, 120, 100],
  metallic: [170, 170, 170],
  steel: [110, 120, 130],
  черный: [20, 20, 20],
  чёрный: [20, 20, 20],
  белый: [250, 250, 250],
  серый: [128, 128, 128],
  красный: [200, 30, 30],
  розовый: [240, 130, 170],
  оранжевый: [250, 130, 20],
  желтый: [240, 220, 40],
  зеленый: [30, 140, 50],
  синий: [30, 80, 200],
  голубой: [120, 180, 240],
  фиолетовый: [120, 40, 140],
  коричневый: [120, 70, 30],
  бежевый: [230, 215, 180],
};

const COLOUR_ATTRIBUTES = ['baseColour', 'colour', 'color', 'colour_group_name', 'цвет'];

/** Colour features from a colour attribute when there is no photo; undefined when the name is unknown. */
export function namedColourFeatures(attributes: Readonly<Record<string, unknown>>): Float32Array | undefined {
  for (const key of COLOUR_ATTRIBUTES) {
    const value = attributes[key];
    if (typeof value !== 'string') continue;
    const rgb = NAMED[value.trim().toLowerCase().replace(/ё/g, 'е')];
    if (!rgb) continue;
    const hist = new Float32Array(COLOUR_DIMENSIONS);
    hist[bin(...rgb)] = 1;
    return finish(hist);
  }
  return undefined;
}
