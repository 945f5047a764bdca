/**
 * Hand-made image quality features: what a person notices first in a generated image (blur at several
 * scales, noise, compression blocks, clipped highlights and shadows, flat or busy texture, colour harmony).
 * All from raw RGB at analysis size, plus compression blocks at the decoded size (resizing hides the 8×8 grid).
 */

/** Names in vector order; the learned model stores them and refuses a mismatch. */
export const HANDCRAFTED_FEATURES = [
  'sharp_fine',
  'sharp_mid',
  'sharp_coarse',
  'sharp_ratio',
  'noise',
  'blockiness',
  'contrast',
  'colourfulness',
  'exposure',
  'clip_high',
  'clip_low',
  'luma_entropy',
  'edge_density',
  'saturation_mean',
  'saturation_std',
  'hue_entropy',
  'harmony',
  'balance',
] as const;
export type HandcraftedFeature = (typeof HANDCRAFTED_FEATURES)[number];

const { abs, sqrt, log, log1p, max, min, atan2, PI } = Math;

/** Rec. 709 luma of interleaved RGB. */
export function lumaOf(rgb: Uint8Array, width: number, height: number, channels = 3): Float32Array {
  const luma = new Float32Array(width * height);
  for (let p = 0, o = 0; p < luma.length; p++, o += channels) {
    luma[p] = 0.2126 * rgb[o] + 0.7152 * rgb[o + 1] + 0.0722 * rgb[o + 2];
  }
  return luma;
}

/** Variance of the 4-neighbour Laplacian (0–255 scale). */
export function laplacianVariance(luma: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = 1; y < height - 1; y++) {
    let p = y * width + 1;
    for (let x = 1; x < width - 1; x++, p++) {
      const l = luma[p - width] + luma[p + width] + luma[p - 1] + luma[p + 1] - 4 * luma[p];
      sum += l;
      sumSq += l * l;
    }
  }
  const n = (width - 2) * (height - 2);
  return max(0, sumSq / n - (sum / n) ** 2);
}

/** 2× box downscale. */
export function halve(luma: Float32Array, width: number, height: number): { luma: Float32Array; w: number; h: number } {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = 2 * y * width + 2 * x;
      out[y * w + x] = 0.25 * (luma[p] + luma[p + 1] + luma[p + width] + luma[p + width + 1]);
    }
  }
  return { luma: out, w, h };
}

/**
 * Immerkær's fast noise estimate (σ of additive Gaussian noise, 0–255 scale), on pixels away from strong
 * edges, so texture is not mistaken for noise.
 */
export function noiseSigma(luma: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      const gx = abs(luma[p + 1] - luma[p - 1]);
      const gy = abs(luma[p + width] - luma[p - width]);
      if (gx + gy > 20) continue;
      const r =
        luma[p - width - 1] -
        2 * luma[p - width] +
        luma[p - width + 1] -
        2 * luma[p - 1] +
        4 * luma[p] -
        2 * luma[p + 1] +
        luma[p + width - 1] -
        2 * luma[p + width] +
        luma[p + width + 1];
      sum += abs(r);
      count++;
    }
  }
  return count ? (sqrt(PI / 2) * sum) / (6 * count) : 0;
}

/**
 * JPEG blockiness: mean absolute step across 8-pixel block borders over the mean step inside blocks
 * (1 = no grid; > 1 = visible blocks). Taken at decoded size.
 */
export function blockiness(luma: Float32Array, width: number, height: number): number {
  let border = 0;
  let nb = 0;
  let inner = 0;
  let ni = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 1; x < width; x++) {
      const d = abs(luma[row + x] - luma[row + x - 1]);
      if (x % 8 === 0) {
        border += d;
        nb++;
      } else {
        inner += d;
        ni++;
      }
    }
  }
  for (let y = 1; y < height; y++) {
    const onBorder = y % 8 === 0;
    for (let x = 0; x < width; x++) {
      const d = abs(luma[y * width + x] - luma[(y - 1) * width + x]);
      if (onBorder) {
        border += d;
        nb++;
      } else {
        inner += d;
        ni++;
      }
    }
  }
  if (!nb || !ni) return 1;
  return (border / nb + 1e-3) / (inner / ni + 1e-3);
}

/**
 * Colour harmony (Cohen-Or et al. 2006 hue templates): the largest share of saturation-weighted hue mass that
 * fits one rotated template — analogous (one 94° sector), complementary (two opposite 18° sectors) or
 * split (94° + opposite 18°). 1 = every colourful pixel sits on one harmonic template.
 */
export function hueHarmony(hist: Float64Array): number {
  const bins = hist.length;
  const total = hist.reduce((s, v) => s + v, 0);
  if (total <= 0) return 1;
  const sector = (start: number, widthBins: number): number => {
    let s = 0;
    for (let k = 0; k < widthBins; k++) s += hist[(start + k) % bins];
    return s;
  };
  const wide = max(1, Math.round((94 / 360) * bins));
  const narrow = max(1, Math.round((18 / 360) * bins));
  let best = 0;
  for (let r = 0; r < bins; r++) {
    const opposite = (r + bins / 2) % bins;
    const analogous = sector(r, wide);
    const complementary = sector(r, narrow) + sector(opposite, narrow);
    const split = analogous + sector((r + Math.round(wide / 2) + bins / 2 - Math.round(narrow / 2)) % bins, narrow);
    best = max(best, analogous, complementary, min(total, split));
  }
  return min(1, best / total);
}

/** Visual-weight balance: 1 when gradient energy is centred, 0 when it sits in a corner. */
export function balanceOf(luma: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      const e = abs(luma[p + 1] - luma[p - 1]) + abs(luma[p + width] - luma[p - width]);
      sum += e;
      sx += e * x;
      sy += e * y;
    }
  }
  if (sum === 0) return 1;
  const dx = (sx / sum - (width - 1) / 2) / ((width - 1) / 2 || 1);
  const dy = (sy / sum - (height - 1) / 2) / ((height - 1) / 2 || 1);
  return max(0, 1 - Math.hypot(dx, dy) / Math.SQRT2);
}

/**
 * The hand-made features of one image: `rgb` at analysis size (≈ 512 px long side, 3 channels) and `decoded`
 * luma at the size the file was stored (for compression blocks).
 */
export function handcraftedFeatures(
  rgb: Uint8Array,
  width: number,
  height: number,
  decoded: { luma: Float32Array; width: number; height: number },
): Record<HandcraftedFeature, number> {
  const n = width * height;
  const luma = lumaOf(rgb, width, height);
  const half = halve(luma, width, height);
  const quarter = halve(half.luma, half.w, half.h);
  const fine = laplacianVariance(luma, width, height);
  const mid = laplacianVariance(half.luma, half.w, half.h);
  const coarse = laplacianVariance(quarter.luma, quarter.w, quarter.h);

  let lumSum = 0;
  let lumSq = 0;
  let rgSum = 0;
  let rgSq = 0;
  let ybSum = 0;
  let ybSq = 0;
  let high = 0;
  let low = 0;
  let satSum = 0;
  let satSq = 0;
  const lumHist = new Float64Array(32);
  const hueHist = new Float64Array(36);
  for (let p = 0, o = 0; p < n; p++, o += 3) {
    const r = rgb[o];
    const g = rgb[o + 1];
    const b = rgb[o + 2];
    const y = luma[p];
    lumSum += y;
    lumSq += y * y;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    rgSum += rg;
    rgSq += rg * rg;
    ybSum += yb;
    ybSq += yb * yb;
    if (y >= 250) high++;
    if (y <= 5) low++;
    lumHist[min(31, y >> 3)]++;
    const mx = max(r, g, b);
    const mn = min(r, g, b);
    const sat = mx > 0 ? (mx - mn) / mx : 0;
    satSum += sat;
    satSq += sat * sat;
    if (mx - mn > 12) {
      // Hue from the opponent axes; weight by chroma so greys do not vote.
      const hue = (atan2(sqrt(3) * (g - b), 2 * r - g - b) + 2 * PI) % (2 * PI);
      hueHist[min(35, Math.floor((hue / (2 * PI)) * 36))] += (mx - mn) / 255;
    }
  }
  const mean = lumSum / n;
  const variance = (sq: number, s: number) => max(0, sq / n - (s / n) ** 2);
  let edges = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      if (abs(luma[p + 1] - luma[p - 1]) + abs(luma[p + width] - luma[p - width]) > 40) edges++;
    }
  }
  const entropy = (h: Float64Array) => {
    const t = h.reduce((s, v) => s + v, 0);
    let e = 0;
    for (const v of h) if (v > 0) e -= (v / t) * log(v / t);
    return t > 0 ? e / log(h.length) : 0;
  };
  const satMean = satSum / n;
  return {
    sharp_fine: log1p(fine),
    sharp_mid: log1p(mid),
    sharp_coarse: log1p(coarse),
    sharp_ratio: log1p(fine) - log1p(coarse),
    noise: noiseSigma(luma, width, height),
    blockiness: blockiness(decoded.luma, decoded.width, decoded.height),
    contrast: sqrt(variance(lumSq, lumSum)) / 255,
    colourfulness: sqrt(variance(rgSq, rgSum) + variance(ybSq, ybSum)) + 0.3 * Math.hypot(rgSum / n, ybSum / n),
    exposure: max(0, 1 - abs(mean / 255 - 0.5) * 2),
    clip_high: high / n,
    clip_low: low / n,
    luma_entropy: entropy(lumHist),
    edge_density: edges / max(1, (width - 2) * (height - 2)),
    saturation_mean: satMean,
    saturation_std: sqrt(max(0, satSq / n - satMean * satMean)),
    hue_entropy: entropy(hueHist),
    harmony: hueHarmony(hueHist),
    balance: balanceOf(luma, width, height),
  };
}
