import { readFileSync } from 'node:fs';
import { HANDCRAFTED_FEATURES, type HandcraftedFeature } from './quality-features';
import { checkMatchModel, type PromptMatchModelJson } from '../vision/prompt-match';

/** What the quality model reads from one image. */
export interface QualityInputs {
  features: Record<HandcraftedFeature, number>;
  /** MobileNetV2 (nsfwjs) 1280-d pooled features, unnormalised; absent when the embedder is not loaded. */
  embedding?: Float32Array;
}

/** One regression tree in flat arrays: node k splits on feature[k] at threshold[k], or is a leaf (feature −1). */
export interface TreeJson {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** The model file `npm run train:judge` writes (JSON, tens of kB). */
export interface QualityModelFile {
  format: 'atelier-judge-quality/1';
  version: string;
  /** Names of the hand-made features in input order (must equal HANDCRAFTED_FEATURES). */
  handcrafted: string[];
  /** Linear probe on the embedding, appended as one more input ('embedding_score'). */
  embeddingHead?: { model: string; dims: number; mean: number[]; scale: number[]; weights: number[]; bias: number };
  /** Gradient-boosted trees over the inputs: prediction = base + rate · Σ tree(x). */
  trees?: { base: number; rate: number; trees: TreeJson[] };
  /** Or a linear model over standardised inputs. */
  linear?: { mean: number[]; scale: number[]; weights: number[]; bias: number };
  /** MOS values the 0–1 score maps from (prediction at `low` → 0, at `high` → 1). */
  range: { low: number; high: number };
  /** Weights between the judge's parts, learned from the human ratings (used only where a part has evidence). */
  partWeights: { quality: number; fidelity: number };
  /** Prompt match learned from alignment MOS (objects, colours, batch consensus, quality prior); absent in old files. */
  promptMatch?: PromptMatchModelJson;
  /** 25th and 75th percentiles of the hand-made features on the training images (explanations read them). */
  bands: Record<string, [number, number]>;
  /** Where it came from and how it did in grouped cross-validation on the training prompts. */
  provenance: Record<string, unknown>;
}

/**
 * The learned quality model: predicts human quality MOS (AGIQA-3K) from hand-made image features and
 * MobileNetV2 features, scaled to [0, 1]. Loaded once per worker; prediction is a few thousand multiply-adds.
 */
export class QualityModel {
  private constructor(readonly file: QualityModelFile) {}

  static fromJson(file: QualityModelFile): QualityModel {
    if (file.format !== 'atelier-judge-quality/1')
      throw new Error(`unknown quality model format ${String(file.format)}`);
    if (file.handcrafted.join(',') !== HANDCRAFTED_FEATURES.join(',')) {
      throw new Error('quality model was trained on other hand-made features; retrain with npm run train:judge');
    }
    if (!file.trees && !file.linear) throw new Error('quality model has neither trees nor a linear part');
    if (file.promptMatch) checkMatchModel(file.promptMatch);
    const inputs = HANDCRAFTED_FEATURES.length + (file.embeddingHead ? 1 : 0);
    if (file.linear && file.linear.weights.length !== inputs) throw new Error('quality model: linear size mismatch');
    if (file.embeddingHead && file.embeddingHead.weights.length !== file.embeddingHead.dims) {
      throw new Error('quality model: embedding head size mismatch');
    }
    return new QualityModel(file);
  }

  /** Reads and checks a model file; a missing or malformed file throws an error naming it. */
  static load(path: string): QualityModel {
    let raw: string;
    try {
      raw = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`quality model ${path} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      return QualityModel.fromJson(JSON.parse(raw) as QualityModelFile);
    } catch (e) {
      throw new Error(`quality model ${path} is invalid: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  get version(): string {
    return this.file.version;
  }

  get usesEmbedding(): boolean {
    return this.file.embeddingHead !== undefined;
  }

  get partWeights(): { quality: number; fidelity: number } {
    return this.file.partWeights;
  }

  get promptMatch(): PromptMatchModelJson | undefined {
    return this.file.promptMatch;
  }

  get bands(): Record<string, [number, number]> {
    return this.file.bands;
  }

  /** The model's input vector (hand-made features, then the embedding probe's score). */
  inputVector(q: QualityInputs): number[] {
    const x = HANDCRAFTED_FEATURES.map((f) => q.features[f]);
    const head = this.file.embeddingHead;
    if (head) {
      if (!q.embedding || q.embedding.length !== head.dims) throw new Error('quality model needs the image embedding');
      x.push(linearScore(head, q.embedding));
    }
    return x;
  }

  /** Predicted quality MOS. */
  predictMos(q: QualityInputs): number {
    const x = this.inputVector(q);
    if (this.file.trees) return predictTrees(this.file.trees, x);
    return linearScore(this.file.linear as NonNullable<QualityModelFile['linear']>, x);
  }

  /** Quality in [0, 1]. */
  score(q: QualityInputs): number {
    const { low, high } = this.file.range;
    const v = (this.predictMos(q) - low) / (high - low || 1);
    return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
  }
}

/** Σ w·(x − mean)/scale + bias. */
export function linearScore(
  m: { mean: number[]; scale: number[]; weights: number[]; bias: number },
  x: ArrayLike<number>,
): number {
  let s = m.bias;
  for (let i = 0; i < m.weights.length; i++) s += (m.weights[i] * (x[i] - m.mean[i])) / m.scale[i];
  return s;
}

export function predictTree(t: TreeJson, x: ArrayLike<number>): number {
  let k = 0;
  while (t.feature[k] >= 0) k = x[t.feature[k]] <= t.threshold[k] ? t.left[k] : t.right[k];
  return t.value[k];
}

export function predictTrees(m: { base: number; rate: number; trees: TreeJson[] }, x: ArrayLike<number>): number {
  let s = m.base;
  for (const t of m.trees) s += m.rate * predictTree(t, x);
  return s;
}
