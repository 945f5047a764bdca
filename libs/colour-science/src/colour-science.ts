/** sRGB → CIELAB (D65) and CIEDE2000 colour difference. */

export type Lab = [number, number, number];

function srgbToLinear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

const LINEAR = Float64Array.from({ length: 256 }, (_, i) => srgbToLinear(i));

// D65 reference white.
const XN = 0.95047;
const YN = 1.0;
const ZN = 1.08883;

function f(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 / 116) * t + 16 / 116;
}

/** 8-bit sRGB → CIELAB (D65, 2° observer). */
export function rgbToLab(r: number, g: number, b: number): Lab {
  const R = LINEAR[r & 255];
  const G = LINEAR[g & 255];
  const B = LINEAR[b & 255];
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / XN;
  const y = (0.2126729 * R + 0.7151522 * G + 0.072175 * B) / YN;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / ZN;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** '#rrggbb' → CIELAB. */
export function hexToLab(hex: string): Lab {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return rgbToLab(parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16));
}

const deg = (rad: number) => (rad * 180) / Math.PI;
const rad = (d: number) => (d * Math.PI) / 180;

/** CIEDE2000 (Sharma, Wu & Dalal 2005), kL = kC = kH = 1. */
export function ciede2000(lab1: Lab, lab2: Lab): number {
  const [L1, a1, b1] = lab1;
  const [L2, a2, b2] = lab2;
  const C1 = Math.hypot(a1, b1);
  const C2 = Math.hypot(a2, b2);
  const Cbar = (C1 + C2) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cbar ** 7 / (Cbar ** 7 + 25 ** 7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1);
  const C2p = Math.hypot(a2p, b2);
  const hp = (a: number, b: number) => {
    if (a === 0 && b === 0) return 0;
    const h = deg(Math.atan2(b, a));
    return h >= 0 ? h : h + 360;
  };
  const h1p = hp(a1p, b1);
  const h2p = hp(a2p, b2);
  const dLp = L2 - L1;
  const dCp = C2p - C1p;
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin(rad(dhp / 2));
  const Lbp = (L1 + L2) / 2;
  const Cbp = (C1p + C2p) / 2;
  let hbp = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hbp = (h1p + h2p) / 2;
    else hbp = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
  }
  const T =
    1 -
    0.17 * Math.cos(rad(hbp - 30)) +
    0.24 * Math.cos(rad(2 * hbp)) +
    0.32 * Math.cos(rad(3 * hbp + 6)) -
    0.2 * Math.cos(rad(4 * hbp - 63));
  const dTheta = 30 * Math.exp(-(((hbp - 275) / 25) ** 2));
  const Rc = 2 * Math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7));
  const Sl = 1 + (0.015 * (Lbp - 50) ** 2) / Math.sqrt(20 + (Lbp - 50) ** 2);
  const Sc = 1 + 0.045 * Cbp;
  const Sh = 1 + 0.015 * Cbp * T;
  const Rt = -Math.sin(rad(2 * dTheta)) * Rc;
  return Math.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2 + Rt * (dCp / Sc) * (dHp / Sh));
}

export interface PaletteColour {
  lab: Lab;
  /** Fraction of pixels in this cluster. */
  share: number;
}

/**
 * Dominant colours: k-means in CIELAB over (subsampled) pixels, deterministic initialisation
 * (k-means++ with a fixed stride), at most `iterations` Lloyd steps. Sorted by share.
 */
export function extractPalette(
  rgb: Uint8Array,
  channels: number,
  k = 5,
  maxSamples = 4096,
  iterations = 8,
): PaletteColour[] {
  const pixels = Math.floor(rgb.length / channels);
  if (pixels === 0) return [];
  const step = Math.max(1, Math.floor(pixels / maxSamples));
  const samples: Lab[] = [];
  for (let p = 0; p < pixels; p += step) {
    const o = p * channels;
    samples.push(channels < 3 ? rgbToLab(rgb[o], rgb[o], rgb[o]) : rgbToLab(rgb[o], rgb[o + 1], rgb[o + 2]));
  }
  const dist2 = (a: Lab, b: Lab) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
  // Farthest-point initialisation from the first sample: deterministic and well spread.
  const centres: Lab[] = [samples[0]];
  const best = samples.map((s) => dist2(s, samples[0]));
  while (centres.length < Math.min(k, samples.length)) {
    let far = 0;
    for (let i = 1; i < samples.length; i++) if (best[i] > best[far]) far = i;
    if (best[far] === 0) break;
    centres.push(samples[far]);
    for (let i = 0; i < samples.length; i++) best[i] = Math.min(best[i], dist2(samples[i], samples[far]));
  }
  const assign = new Int32Array(samples.length);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < samples.length; i++) {
      let bi = 0;
      let bd = Number.POSITIVE_INFINITY;
      for (let c = 0; c < centres.length; c++) {
        const d = dist2(samples[i], centres[c]);
        if (d < bd) {
          bd = d;
          bi = c;
        }
      }
      assign[i] = bi;
    }
    const sums = centres.map(() => [0, 0, 0, 0]);
    samples.forEach((s, i) => {
      const t = sums[assign[i]];
      t[0] += s[0];
      t[1] += s[1];
      t[2] += s[2];
      t[3]++;
    });
    sums.forEach((t, c) => {
      if (t[3] > 0) centres[c] = [t[0] / t[3], t[1] / t[3], t[2] / t[3]];
    });
  }
  const counts = centres.map(() => 0);
  for (let i = 0; i < samples.length; i++) counts[assign[i]]++;
  return centres
    .map((lab, c) => ({ lab, share: counts[c] / samples.length }))
    .filter((p) => p.share > 0)
    .sort((a, b) => b.share - a.share);
}

/**
 * How well the palette shows a target colour, in [0, 1]: for the best palette colour,
 * exp(−(ΔE00/τ)²) scaled by how much of the image it covers (full credit from `minShare` up).
 * τ = 20: ΔE00 ≈ 10 (clearly the same hue family) keeps ~0.78, ΔE00 ≈ 30 drops to ~0.1.
 */
export function colourPresence(target: Lab, palette: readonly PaletteColour[], tau = 20, minShare = 0.1): number {
  let best = 0;
  for (const p of palette) {
    const credit = Math.exp(-((ciede2000(target, p.lab) / tau) ** 2)) * Math.min(1, p.share / minShare);
    if (credit > best) best = credit;
  }
  return best;
}
