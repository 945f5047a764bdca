import sharp from 'sharp';
import { laplacianVariance } from '../quality/quality-features';

/**
 * The "image-statistics" judge: scores images from measurable pixel statistics only
 * (focus, contrast, colour, exposure). It says nothing about whether an image matches its
 * prompt, but every number it produces can be reproduced and explained.
 */

export interface ImageMeasurements {
  /** Variance of the 3×3 Laplacian of luminance (0–255 scale) at analysis size; 0 = flat. */
  sharpness: number;
  /** RMS contrast: standard deviation of luminance / 255, in [0, 0.5]. */
  contrast: number;
  /** Hasler–Süsstrunk colourfulness (0–255 scale); ~33 "moderately", ~59 "quite" colourful. */
  colourfulness: number;
  /** 1 at mean luminance mid-grey, falling linearly to 0 at pure black or white. */
  exposure: number;
  /** Size of the original image (the statistics are taken on a downscaled copy). */
  width: number;
  height: number;
}

export interface ImageScore {
  /** Weighted sum of the normalised metrics, in [0, 1]. */
  score: number;
  /** Raw measurements plus their normalised `*_n` values in [0, 1]. */
  metrics: Record<string, number>;
}

/** Bump the version whenever measurement or scoring changes, so stored scores stay comparable. */
export const STATISTICS_SCORER: { name: 'image-statistics'; version: string } = {
  name: 'image-statistics',
  version: '1',
};

/** Statistics are taken at most this many pixels on the long side: fast, and scale-stable. */
export const ANALYSIS_MAX_SIDE = 256;

/**
 * Half-saturation constants for x / (x + k): a metric equal to k normalises to 0.5.
 * - sharpness: Laplacian variance ~100 is the common "blurry" threshold at 0–255 scale;
 *   200 puts clearly focused images above 0.5.
 * - colourfulness: 40 sits between Hasler–Süsstrunk's "moderately" (33) and "averagely" (45).
 * - contrast: 0.15 RMS; the curve is then rescaled so the maximum possible 0.5 maps to 1.
 */
export const NORMALISATION = { sharpnessK: 200, contrastK: 0.15, colourfulnessK: 40 } as const;

/**
 * Score weights (sum to 1). Focus and exposure are the most common technical failures of
 * generated images, colourfulness is the most a matter of taste, so it weighs least.
 */
export const SCORE_WEIGHTS = { sharpness: 0.3, contrast: 0.25, colourfulness: 0.2, exposure: 0.25 } as const;

// Rec. 709 luma weights on gamma-encoded sRGB: cheap and standard for focus/contrast metrics.
const LUMA_R = 0.2126;
const LUMA_G = 0.7152;
const LUMA_B = 0.0722;

// Module-local alias: under jest's vm sandbox global lookups in hot loops are very slow.
const { sqrt } = Math;

/** Decodes any sharp-readable image (PNG, JPEG, WebP …) and measures it. */
export async function measureImage(png: Buffer): Promise<ImageMeasurements> {
  const meta = await sharp(png).metadata();
  if (meta.width === undefined || meta.height === undefined) {
    throw new Error('image has no dimensions');
  }
  const { data, info } = await sharp(png)
    .resize({
      width: ANALYSIS_MAX_SIDE,
      height: ANALYSIS_MAX_SIDE,
      fit: 'inside',
      withoutEnlargement: true,
    })
    // Transparent pixels are judged as they would be shown on a white page.
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const stats = measureRaw(data, info.width, info.height, info.channels);
  return { ...stats, width: meta.width, height: meta.height };
}

/** Statistics of a raw interleaved buffer (1–4 channels; 1–2 are treated as grey). */
export function measureRaw(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Omit<ImageMeasurements, 'width' | 'height'> {
  const pixels = width * height;
  if (pixels === 0) return { sharpness: 0, contrast: 0, colourfulness: 0, exposure: 0 };
  const grey = channels < 3;
  const luma = new Float32Array(pixels);
  let lumSum = 0;
  let lumSq = 0;
  let rgSum = 0;
  let rgSq = 0;
  let ybSum = 0;
  let ybSq = 0;
  for (let p = 0, o = 0; p < pixels; p++, o += channels) {
    const r = data[o];
    const g = grey ? r : data[o + 1];
    const b = grey ? r : data[o + 2];
    const y = LUMA_R * r + LUMA_G * g + LUMA_B * b;
    luma[p] = y;
    lumSum += y;
    lumSq += y * y;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    rgSum += rg;
    rgSq += rg * rg;
    ybSum += yb;
    ybSq += yb * yb;
  }
  const lumMean = lumSum / pixels;
  const rgMean = rgSum / pixels;
  const ybMean = ybSum / pixels;
  const lumVar = variance(lumSq, lumMean, pixels);
  const rgVar = variance(rgSq, rgMean, pixels);
  const ybVar = variance(ybSq, ybMean, pixels);

  return {
    sharpness: laplacianVariance(luma, width, height),
    contrast: sqrt(lumVar) / 255,
    colourfulness: sqrt(rgVar + ybVar) + 0.3 * sqrt(rgMean * rgMean + ybMean * ybMean),
    exposure: clamp01(1 - Math.abs(lumMean / 255 - 0.5) * 2),
  };
}

/** Population variance from a sum of squares; clamped because rounding can dip below 0. */
function variance(sumSq: number, mean: number, count: number): number {
  const v = sumSq / count - mean * mean;
  return v > 0 ? v : 0;
}

function clamp01(v: number): number {
  if (!Number.isFinite(v)) return v === Number.POSITIVE_INFINITY ? 1 : 0;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** x / (x + k): 0 at 0, 0.5 at k, → 1 as x grows; negative or NaN input counts as 0. */
function saturate(x: number, k: number): number {
  if (!(x > 0)) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x / (x + k);
}

/** Normalises each measurement to [0, 1] and combines them with SCORE_WEIGHTS. */
export function scoreMeasurements(m: ImageMeasurements): ImageScore {
  const { sharpnessK, contrastK, colourfulnessK } = NORMALISATION;
  const sharpnessN = saturate(m.sharpness, sharpnessK);
  const contrastN = clamp01(saturate(m.contrast, contrastK) * ((0.5 + contrastK) / 0.5));
  const colourfulnessN = saturate(m.colourfulness, colourfulnessK);
  const exposureN = clamp01(m.exposure);
  const w = SCORE_WEIGHTS;
  const score = clamp01(
    w.sharpness * sharpnessN + w.contrast * contrastN + w.colourfulness * colourfulnessN + w.exposure * exposureN,
  );
  return {
    score,
    metrics: {
      sharpness: m.sharpness,
      contrast: m.contrast,
      colourfulness: m.colourfulness,
      exposure: m.exposure,
      sharpness_n: sharpnessN,
      contrast_n: contrastN,
      colourfulness_n: colourfulnessN,
      exposure_n: exposureN,
    },
  };
}

/**
 * Assigns ranks 1..n by descending score (NaN counts as worst); equal scores are ordered by
 * lower index, so ranks are always unique. Returns a new array sorted best first.
 */
export function rankByScore<T extends { score: number; index: number }>(items: T[]): Array<T & { rank: number }> {
  const key = (score: number): number => (Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score);
  return [...items]
    .sort((a, b) => {
      const ka = key(a.score);
      const kb = key(b.score);
      if (ka !== kb) return kb > ka ? 1 : -1;
      return a.index - b.index;
    })
    .map((item, i) => ({ ...item, rank: i + 1 }));
}
