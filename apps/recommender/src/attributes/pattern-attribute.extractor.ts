import type { AttributeExtractor, DecodedPhoto, ExtractionResult } from './attribute-extractor';
import { clamp01 } from './attribute-extractor';
import { isBackgroundWhite, whiteBorderShare } from './colour-regions';

export interface PatternCues {
  /** Share of interior foreground pixels on a strong edge. */
  edgeDensity: number;
  /** |Σ m·e^{2iθ}| / Σ m over strong edges: 1 = one orientation (stripes), 0 = isotropic. */
  coherence: number;
  /** Share of strong-edge weight in the second orientation peak about 90° from the first. */
  orthogonalShare: number;
}

const BINS = 8;
/** Below this share of strong interior edges a garment reads as solid. */
export const SOLID_MAX_EDGE_DENSITY = 0.2;

/** Gradient statistics inside the subject (the silhouette's own outline is excluded by eroding the mask). */
export function patternCues(photo: DecodedPhoto): PatternCues {
  const { width: W, height: H, rgb } = photo;
  const onWhite = whiteBorderShare(photo) > 0.6;
  const grey = new Float32Array(W * H);
  const fg = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    grey[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    fg[i] = onWhite ? (isBackgroundWhite(r, g, b) ? 0 : 1) : 1;
  }
  const R = Math.max(2, Math.round(Math.min(W, H) / 40));
  const interior = (x: number, y: number): boolean => {
    if (x < R + 1 || y < R + 1 || x >= W - R - 1 || y >= H - R - 1) return false;
    for (let dy = -R; dy <= R; dy += R)
      for (let dx = -R; dx <= R; dx += R) if (!fg[(y + dy) * W + x + dx]) return false;
    return true;
  };
  let inside = 0;
  let strong = 0;
  let sumM = 0;
  let cx = 0;
  let cy = 0;
  const hist = new Float64Array(BINS);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      if (!interior(x, y)) continue;
      inside++;
      const p = y * W + x;
      const gx =
        grey[p - W + 1] + 2 * grey[p + 1] + grey[p + W + 1] - grey[p - W - 1] - 2 * grey[p - 1] - grey[p + W - 1];
      const gy =
        grey[p + W - 1] + 2 * grey[p + W] + grey[p + W + 1] - grey[p - W - 1] - 2 * grey[p - W] - grey[p - W + 1];
      const m = Math.hypot(gx, gy);
      if (m < 120) continue;
      strong++;
      const theta = Math.atan2(gy, gx);
      sumM += m;
      cx += m * Math.cos(2 * theta);
      cy += m * Math.sin(2 * theta);
      const bin = Math.floor(((theta + Math.PI) % Math.PI) / (Math.PI / BINS)) % BINS;
      hist[bin] += m;
    }
  }
  let peak = 0;
  for (let i = 1; i < BINS; i++) if (hist[i] > hist[peak]) peak = i;
  const ortho = (peak + BINS / 2) % BINS;
  const orthoWeight = hist[ortho] + 0.5 * (hist[(ortho + 1) % BINS] + hist[(ortho + BINS - 1) % BINS]);
  return {
    edgeDensity: inside ? strong / inside : 0,
    coherence: sumM ? Math.hypot(cx, cy) / sumM : 0,
    orthogonalShare: sumM ? orthoWeight / sumM : 0,
  };
}

/** Classifies cues into solid / striped / checked / printed with a margin-based confidence. */
export function classifyPattern(c: PatternCues): { value: string; confidence: number } {
  // Folds, seams and a model's outline give solid garments edge densities up to ~0.15 (measured on
  // hm-fashion-sample, 59 photos: a 0.05 cut scored 54.2% vs 62.7% for always-solid; 0.2 scores 69.5%).
  if (c.edgeDensity < SOLID_MAX_EDGE_DENSITY) {
    return { value: 'solid', confidence: clamp01(0.55 + (SOLID_MAX_EDGE_DENSITY - c.edgeDensity) * 2) };
  }
  if (c.coherence > 0.5) return { value: 'striped', confidence: clamp01(0.4 + c.coherence - 0.5) };
  if (c.orthogonalShare > 0.25 && c.coherence < 0.35) {
    return { value: 'checked', confidence: clamp01(0.35 + c.orthogonalShare - 0.25) };
  }
  return { value: 'printed', confidence: clamp01(0.3 + Math.min(0.4, c.edgeDensity)) };
}

/** Pattern cue from gradient statistics: no model, works on any product photo. */
export class PatternAttributeExtractor implements AttributeExtractor {
  readonly name = 'pattern';

  extract(photo: DecodedPhoto): Promise<ExtractionResult> {
    const { value, confidence } = classifyPattern(patternCues(photo));
    return Promise.resolve({ attributes: [{ name: 'pattern', value, confidence, source: this.name }] });
  }
}
