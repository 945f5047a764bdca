import sharp from 'sharp';
import { IMAGE_MODEL, ImageEmbedder, l2Normalize } from '@atelier/ml-runtime';
import { measureRaw, scoreMeasurements } from '../image-statistics/image-statistics';
import type { ImageJudgement, JudgeBackend, JudgeRequest } from '../scoring/judge-backend';
import { colourPresence, extractPalette, type PaletteColour } from '@atelier/colour-science';
import { ObjectDetector, type Detection } from './object-detector';
import { extractTargets, OBJECT_SYNONYMS, type PromptTargets } from './prompt-targets';
import { balanceOf, handcraftedFeatures, lumaOf } from '../quality/quality-features';
import type { QualityInputs, QualityModel } from '../quality/quality-model';
import { combineParts, explain, type ScorePart } from '../quality/score-parts';
import { classEvidence, consensus, hasEvidence, matchScore, type MatchInputs } from './prompt-match';

/** Long side the detector sees; statistics and palette use a smaller copy. */
const DETECT_MAX_SIDE = 512;
/** Compression blocks are looked for at the stored size, up to this long side. */
const DECODED_MAX_SIDE = 1024;
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
  /** Inputs of the learned quality model: hand-made features and, when the embedder is loaded, MobileNetV2's. */
  quality: QualityInputs;
}

export interface PromptFidelity {
  /** Prompt fidelity in [0, 1]; absent (no evidence) when nothing in the prompt is checkable. */
  fidelity?: number;
  /** Agreement with checkable attributes; 1 when there are none. */
  consistency: number;
  objects?: number;
  colours?: number;
  perObject: Record<string, number>;
  perColour: Record<string, number>;
}

/** Weights of the two prompt-fidelity parts when both are checkable. */
export const FIDELITY_WEIGHTS = { objects: 0.7, colours: 0.3 } as const;
/** Part weights without a learned model (the judge's historical 0.7 / 0.3). */
export const UNLEARNED_PART_WEIGHTS = { quality: 0.3, fidelity: 0.7 } as const;
/** Aesthetic proxy = 0.8 · image-statistics score + 0.2 · composition balance. */
export const AESTHETIC_PROXY_WEIGHTS = { statistics: 0.8, balance: 0.2 } as const;

/**
 * Fidelity of an analysed image to a prompt's targets. Evidence is a checkable object (detected or not) or
 * colour, or a subject illustration the creative engine placed (`placed`: known exactly, so it counts as seen).
 */
export function promptFidelity(
  a: ImageAnalysis,
  targets: PromptTargets,
  placed: readonly string[] = [],
): PromptFidelity {
  const perObject: Record<string, number> = {};
  for (const subject of placed) perObject[subject] = 1;
  for (const cls of targets.objects) {
    if (perObject[cls] !== undefined) continue;
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
    fidelity: consistency,
    consistency: consistency ?? 1,
    objects,
    colours,
    perObject,
    perColour,
  };
}

/**
 * The vision judge: prompt fidelity from COCO objects (CenterNet via @vladmandic/human) and colours
 * (CIELAB palette vs the prompt's colour words and brand palette, CIEDE2000), aesthetics from
 * measured image statistics and composition balance. Runs on a fresh machine with no CLIP weights.
 */
export class VisionJudge implements JudgeBackend {
  readonly name = 'vision';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly detector: ObjectDetector,
    private readonly embedder?: ImageEmbedder,
    readonly quality?: QualityModel,
  ) {}

  /**
   * Detector, plus MobileNetV2 and the learned quality model when `qualityModel` names a model file
   * (the embedder is loaded only then, or when `embed` asks for it: training extracts features before a model exists).
   */
  /** '2' with the hand-made quality proxy; '2+<model version>' with the learned quality model. */
  get version(): string {
    return this.quality ? `2+${this.quality.version}` : '2';
  }

  static async load(options: { qualityModel?: QualityModel; embed?: boolean } = {}): Promise<VisionJudge> {
    const detector = await ObjectDetector.load();
    const wantsEmbedding = options.embed ?? options.qualityModel?.usesEmbedding ?? false;
    const embedder = wantsEmbedding ? await ImageEmbedder.load() : undefined;
    return new VisionJudge(detector, embedder, options.qualityModel);
  }

  /** One detection on a blank image: tfjs compiles its kernels on the first run (~1 s), not on a request. */
  async warmUp(): Promise<void> {
    await this.detector.detect(new Uint8Array(64 * 64 * 3), 64, 64);
  }

  info(): Record<string, unknown> {
    return {
      detector: this.detector.version,
      fidelity: { ...FIDELITY_WEIGHTS, fullConfidence: FULL_CONFIDENCE, colourMetric: 'CIEDE2000', tau: 20 },
      aesthetic: this.quality
        ? { model: this.quality.version, embedding: this.embedder ? IMAGE_MODEL : 'none' }
        : AESTHETIC_PROXY_WEIGHTS,
      parts: this.quality?.partWeights ?? UNLEARNED_PART_WEIGHTS,
    };
  }

  /** Decodes and measures one image (detection runs one image at a time: tfjs-wasm is single-threaded). */
  async analyse(bytes: Buffer): Promise<ImageAnalysis> {
    const decoded = await sharp(bytes)
      .resize({ width: DECODED_MAX_SIDE, height: DECODED_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { data, info } = await sharp(decoded.data, {
      raw: { width: decoded.info.width, height: decoded.info.height, channels: 3 },
    })
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
    const embedder = this.embedder;
    const embedding = embedder
      ? (await this.serially(async () => embedder.embedPixels([await embedderInput(data, info.width, info.height)])))[0]
      : undefined;
    const features = handcraftedFeatures(data, info.width, info.height, {
      luma: lumaOf(decoded.data, decoded.info.width, decoded.info.height),
      width: decoded.info.width,
      height: decoded.info.height,
    });
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
      balance: balanceOf(luma, width, height),
      colourHistogram: hist,
      quality: { features, embedding },
    };
  }

  async judge(request: JudgeRequest): Promise<ImageJudgement[]> {
    const targets = extractTargets(
      [request.prompt, request.originalPrompt ?? ''].filter((t) => t.length > 0),
      request.brandPalette ?? [],
    );
    const analyses = await Promise.all(request.images.map((img) => this.analyse(img.bytes)));
    return request.images.map((img, i) =>
      this.judgement(
        img.index,
        analyses[i],
        targets,
        [...(request.placedSubjects ?? []), ...(img.placedSubjects ?? [])],
        analyses.filter((_, k) => k !== i),
      ),
    );
  }

  judgement(
    index: number,
    a: ImageAnalysis,
    targets: PromptTargets,
    placed: readonly string[] = [],
    others: readonly ImageAnalysis[] = [],
  ): ImageJudgement {
    return judgeAnalysis(index, a, targets, placed, this.quality, others);
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

/** The prompt-match model's inputs for one image among the `others` of its request. */
export function matchInputs(
  a: ImageAnalysis,
  f: PromptFidelity,
  others: readonly ImageAnalysis[],
  quality: number,
): MatchInputs {
  const x: MatchInputs = { quality };
  if (f.objects !== undefined) x.objects = f.objects;
  if (f.colours !== undefined) x.colours = f.colours;
  const embedded = others.filter((o) => o.quality.embedding !== undefined);
  const c = consensus(
    a.quality.embedding,
    embedded.map((o) => o.quality.embedding as Float32Array),
  );
  if (c !== undefined) x.consensus = c;
  const cc = consensus(
    classEvidence(a.detections),
    others.map((o) => classEvidence(o.detections)),
  );
  if (cc !== undefined) x.class_consensus = cc;
  return x;
}

/**
 * The verdict on one analysed image: quality (learned model, else the hand-made proxy) and prompt fidelity as parts;
 * fidelity counts only with evidence. With a learned prompt-match model the fidelity part is its score over the
 * object, colour and batch-consensus evidence (`others`: the other images of the request). Pure, so evaluation
 * scores cached analyses exactly as the service does.
 */
export function judgeAnalysis(
  index: number,
  a: ImageAnalysis,
  targets: PromptTargets,
  placed: readonly string[] = [],
  model?: QualityModel,
  others: readonly ImageAnalysis[] = [],
): ImageJudgement {
  const f = promptFidelity(a, targets, placed);
  const proxy = AESTHETIC_PROXY_WEIGHTS.statistics * a.statistics.score + AESTHETIC_PROXY_WEIGHTS.balance * a.balance;
  const aesthetic = model ? model.score(a.quality) : proxy;
  const weights = model?.partWeights ?? UNLEARNED_PART_WEIGHTS;
  const match = model?.promptMatch;
  const inputs = match ? matchInputs(a, f, others, aesthetic) : undefined;
  const matchEvidence = inputs !== undefined && hasEvidence(inputs);
  const fidelityPart = match && inputs && matchEvidence ? matchScore(match, inputs) : f.fidelity;
  const parts: ScorePart[] = [
    { id: 'quality', score: aesthetic, weight: weights.quality, evidence: true },
    {
      id: 'fidelity',
      score: fidelityPart ?? 0,
      weight: weights.fidelity,
      evidence: fidelityPart !== undefined,
    },
  ];
  const combined = combineParts(parts);
  const reasons = explain(a.quality.features, model?.bands ?? {}, {
    objects: f.objects,
    colours: f.colours,
    subjectPlaced: placed.length > 0,
  });
  const m = a.statistics.metrics;
  // Without evidence, fidelity carries the combined score: it then changes no order (its weight went elsewhere).
  const fidelity = fidelityPart ?? combined.final;
  const components: Record<string, number> = {
    fidelity,
    fidelity_evidence: fidelityPart === undefined ? 0 : 1,
    aesthetic,
    aesthetic_proxy: proxy,
    statistics_score: a.statistics.score,
    balance: a.balance,
    ...m,
    detections: a.detections.length,
    ...Object.fromEntries(Object.entries(a.quality.features).map(([k, v]) => [`q_${k}`, v])),
  };
  if (model) components.quality_mos = model.predictMos(a.quality);
  if (f.objects !== undefined) components.object_fidelity = f.objects;
  if (f.colours !== undefined) components.colour_fidelity = f.colours;
  if (inputs?.consensus !== undefined) components.match_consensus = inputs.consensus;
  if (inputs?.class_consensus !== undefined) components.match_class_consensus = inputs.class_consensus;
  // Class evidence (80) + colour histogram (64): images showing the same things in the same colours are similar.
  const classVec = COCO_CLASSES.map((cls) =>
    a.detections.filter((d) => d.label === cls).reduce((mx, d) => Math.max(mx, d.score), 0),
  );
  const descriptor = l2Normalize([...classVec, ...Array.from(a.colourHistogram, (h) => Math.sqrt(h))]);
  return {
    index,
    fidelity,
    aesthetic,
    consistency: f.consistency,
    components,
    parts,
    reasons,
    features: [f.objects ?? 1, f.colours ?? 1, m.sharpness_n, m.contrast_n, m.colourfulness_n, m.exposure_n, a.balance],
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

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** 224×224 RGB, letterboxed on white, as MobileNetV2 expects. */
async function embedderInput(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const out = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(224, 224, { fit: 'contain', background: { r: 255, g: 255, b: 255 } })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
