import sharp from 'sharp';
import { l2Normalize } from '@atelier/ml-runtime';
import { measureRaw, scoreMeasurements } from '../image-statistics/image-statistics';
import type { ImageJudgement, JudgeBackend, JudgeRequest } from '../scoring/judge-backend';
import { colourPresence, extractPalette, type PaletteColour } from '@atelier/colour-science';
import { ObjectDetector, type Detection } from './object-detector';
import { extractTargets, OBJECT_SYNONYMS, type PromptTargets } from './prompt-targets';

/** Long side the detector sees; statistics and palette use a smaller copy. */
const DETECT_MAX_SIDE = 512;
const STATS_MAX_SIDE = 256;
/** A detection with this confidence counts as full evidence of the class. */
const FULL_CONFIDENCE = 0.5;
const COCO_CLASSES = Object.keys(OBJECT_SYNONYMS);

/** Measured once per image; prompt fidelity against any prompt is computed from it. */
export interface ImageAnalysis {
  detections: Detection[];
  palette: PaletteColour[];
  /** image-statistics score and metrics (sharpness, contrast, colourfulness, exposure and *_n). */
  statistics: { score: number; metrics: Record<string, number> };
  /** 1 when the visual weight (edge energy) is centred, 0 when it sits in a corner. */
  balance: number;
  /** 4×4×4 RGB histogram (64 bins, sums to 1). */
  colourHistogram: Float32Array;
}

export interface PromptFidelity {
  /** Prompt fidelity for ranking in [0, 1]; 0.5 when nothing in the prompt is checkable. */
  fidelity: number;
  /** Agreement with checkable attributes; 1 when there are none. */
  consistency: number;
  objects?: number;
  colours?: number;
  perObject: Record<string, number>;
  perColour: Record<string, number>;
}

/** Weights of the two prompt-fidelity parts when both are checkable. */
export const FIDELITY_WEIGHTS = { objects: 0.7, colours: 0.3 } as const;
/** Aesthetic proxy = 0.8 · image-statistics score + 0.2 · composition balance. */
export const AESTHETIC_PROXY_WEIGHTS = { statistics: 0.8, balance: 0.2 } as const;

/** Fidelity of an analysed image to a prompt's targets. */
export function promptFidelity(a: ImageAnalysis, targets: PromptTargets): PromptFidelity {
  const perObject: Record<string, number> = {};
  for (const cls of targets.objects) {
    const best = a.detections.filter((d) => d.label === cls).reduce((m, d) => Math.max(m, d.score), 0);
    perObject[cls] = Math.min(1, best / FULL_CONFIDENCE);
  }
  const perColour: Record<string, number> = {};
  for (const c of targets.colours) perColour[c.name] = colourPresence(c.lab, a.palette);
  const mean = (r: Record<string, number>) => {
    const v = Object.values(r);
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : undefined;
  };
  const objects = mean(perObject);
  const colours = mean(perColour);
  let consistency: number | undefined;
  if (objects !== undefined && colours !== undefined) {
    consistency = FIDELITY_WEIGHTS.objects * objects + FIDELITY_WEIGHTS.colours * colours;
  } else consistency = objects ?? colours;
  return {
    fidelity: consistency ?? 0.5,
    consistency: consistency ?? 1,
    objects,
    colours,
    perObject,
    perColour,
  };
}

/** Visual-weight balance: centroid of gradient energy vs the image centre. */
export function compositionBalance(luma: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      const e = Math.abs(luma[p + 1] - luma[p - 1]) + Math.abs(luma[p + width] - luma[p - width]);
      sum += e;
      sx += e * x;
      sy += e * y;
    }
  }
  if (sum === 0) return 1;
  const dx = (sx / sum - (width - 1) / 2) / ((width - 1) / 2 || 1);
  const dy = (sy / sum - (height - 1) / 2) / ((height - 1) / 2 || 1);
  return Math.max(0, 1 - Math.hypot(dx, dy) / Math.SQRT2);
}

/**
 * The vision judge: prompt fidelity from COCO objects (CenterNet via @vladmandic/human) and colours
 * (CIELAB palette vs the prompt's colour words and brand palette, CIEDE2000), aesthetics from
 * measured image statistics and composition balance. Runs on a fresh machine with no CLIP weights.
 */
export class VisionJudge implements JudgeBackend {
  readonly name = 'vision';
  readonly version = '1';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly detector: ObjectDetector) {}

  static async load(): Promise<VisionJudge> {
    return new VisionJudge(await ObjectDetector.load());
  }

  /** One detection on a blank image: tfjs compiles its kernels on the first run (~1 s), not on a request. */
  async warmUp(): Promise<void> {
    await this.detector.detect(new Uint8Array(64 * 64 * 3), 64, 64);
  }

  info(): Record<string, unknown> {
    return {
      detector: this.detector.version,
      fidelity: { ...FIDELITY_WEIGHTS, fullConfidence: FULL_CONFIDENCE, colourMetric: 'CIEDE2000', tau: 20 },
      aesthetic: AESTHETIC_PROXY_WEIGHTS,
    };
  }

  /** Decodes and measures one image (detection runs one image at a time: tfjs-wasm is single-threaded). */
  async analyse(bytes: Buffer): Promise<ImageAnalysis> {
    const { data, info } = await sharp(bytes)
      .resize({ width: DETECT_MAX_SIDE, height: DETECT_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const small = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .resize({ width: STATS_MAX_SIDE, height: STATS_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const detections = await this.serially(() => this.detector.detect(data, info.width, info.height));
    const rgb = small.data;
    const { width, height } = small.info;
    const statistics = scoreMeasurements({
      ...measureRaw(rgb, width, height, 3),
      width: info.width,
      height: info.height,
    });
    const luma = new Float32Array(width * height);
    const hist = new Float32Array(64);
    for (let p = 0, o = 0; p < luma.length; p++, o += 3) {
      luma[p] = 0.2126 * rgb[o] + 0.7152 * rgb[o + 1] + 0.0722 * rgb[o + 2];
      hist[(rgb[o] >> 6) * 16 + (rgb[o + 1] >> 6) * 4 + (rgb[o + 2] >> 6)] += 1 / luma.length;
    }
    return {
      detections,
      palette: extractPalette(rgb, 3),
      statistics,
      balance: compositionBalance(luma, width, height),
      colourHistogram: hist,
    };
  }

  async judge(request: JudgeRequest): Promise<ImageJudgement[]> {
    const targets = extractTargets(
      [request.prompt, request.originalPrompt ?? ''].filter((t) => t.length > 0),
      request.brandPalette ?? [],
    );
    const analyses = await Promise.all(request.images.map((img) => this.analyse(img.bytes)));
    return request.images.map((img, i) => this.judgement(img.index, analyses[i], targets));
  }

  judgement(index: number, a: ImageAnalysis, targets: PromptTargets): ImageJudgement {
    const f = promptFidelity(a, targets);
    const aesthetic =
      AESTHETIC_PROXY_WEIGHTS.statistics * a.statistics.score + AESTHETIC_PROXY_WEIGHTS.balance * a.balance;
    const m = a.statistics.metrics;
    const components: Record<string, number> = {
      fidelity: f.fidelity,
      aesthetic,
      statistics_score: a.statistics.score,
      balance: a.balance,
      ...m,
      detections: a.detections.length,
    };
    if (f.objects !== undefined) components.object_fidelity = f.objects;
    if (f.colours !== undefined) components.colour_fidelity = f.colours;
    // Class evidence (80) + colour histogram (64): images showing the same things in the same colours are similar.
    const classVec = COCO_CLASSES.map((cls) =>
      a.detections.filter((d) => d.label === cls).reduce((mx, d) => Math.max(mx, d.score), 0),
    );
    const descriptor = l2Normalize([...classVec, ...Array.from(a.colourHistogram, (h) => Math.sqrt(h))]);
    return {
      index,
      fidelity: f.fidelity,
      aesthetic,
      consistency: f.consistency,
      components,
      features: [
        f.objects ?? 1,
        f.colours ?? 1,
        m.sharpness_n,
        m.contrast_n,
        m.colourfulness_n,
        m.exposure_n,
        a.balance,
      ],
      descriptor,
      details: {
        targets: { objects: targets.objects, colours: targets.colours.map((c) => c.name) },
        perObject: f.perObject,
        perColour: f.perColour,
        detections: a.detections.map((d) => ({ label: d.label, score: round(d.score) })),
        palette: a.palette.map((p) => ({ lab: p.lab.map(round), share: round(p.share) })),
      },
    };
  }

  /**
   * One detection at a time; each waits for a turn of the event loop first, because tfjs-wasm runs a
   * whole inference synchronously and back-to-back runs would starve timers (AMQP heartbeats).
   */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    const turn = () => new Promise<void>((r) => setImmediate(r)).then(task);
    const run = this.queue.then(turn, turn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
