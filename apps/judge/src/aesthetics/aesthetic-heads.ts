import { join } from 'node:path';
import { OnnxModel, Tensor, type OnnxSessionOptions } from '@atelier/ml-runtime';

/** The LAION aesthetic heads in the shared models directory, by the CLIP image tower they need. */
export const AESTHETIC_HEADS = {
  'laion-v1-vit-b-32': { file: 'laion-aesthetic-v1/laion-aesthetic-v1-vit-b-32-linear.onnx', dim: 512 },
  'laion-v1-vit-b-16': { file: 'laion-aesthetic-v1/laion-aesthetic-v1-vit-b-16-linear.onnx', dim: 512 },
  'laion-v1-vit-l-14': { file: 'laion-aesthetic-v1/laion-aesthetic-v1-vit-l-14-linear.onnx', dim: 768 },
  'improved-vit-l-14': { file: 'improved-aesthetic-predictor-l14/sac_logos_ava1-l14-linearMSE.onnx', dim: 768 },
} as const;

export type AestheticHeadId = keyof typeof AESTHETIC_HEADS;

/**
 * aes_n: the 1–10 rating scale mapped linearly onto [0, 1] — (aes_raw − 1) / 9, clipped.
 * 1 → 0, 5.5 (the scale's middle) → 0.5, 10 → 1. The linear heads can leave 1–10 for unusual
 * embeddings (the rating0 fixture scores −1.5); those clip to 0 or 1.
 */
export function aestheticToUnit(raw: number): number {
  if (!Number.isFinite(raw)) return 0;
  return Math.min(1, Math.max(0, (raw - 1) / 9));
}

/** A LAION aesthetic head (linear or MLP, ONNX) applied to L2-normalised CLIP image embeddings. */
export class AestheticHead {
  private constructor(
    readonly id: AestheticHeadId,
    readonly dim: number,
    private readonly model: OnnxModel,
  ) {}

  static async load(modelsDir: string, id: AestheticHeadId, session?: OnnxSessionOptions): Promise<AestheticHead> {
    const spec = AESTHETIC_HEADS[id];
    return new AestheticHead(id, spec.dim, await OnnxModel.load(join(modelsDir, spec.file), session));
  }

  /** The head for an embedding size: 512 → LAION v1 B/32, 768 → improved L/14 (unless configured). */
  static defaultFor(dim: number): AestheticHeadId {
    if (dim === 512) return 'laion-v1-vit-b-32';
    if (dim === 768) return 'improved-vit-l-14';
    throw new Error(`no aesthetic head for ${dim}-d CLIP embeddings`);
  }

  /** Raw scores (roughly 1–10) for L2-normalised embeddings. */
  async score(embeddings: readonly Float32Array[]): Promise<number[]> {
    if (embeddings.length === 0) return [];
    const data = new Float32Array(embeddings.length * this.dim);
    embeddings.forEach((e, i) => {
      if (e.length !== this.dim) throw new Error(`${this.id} expects ${this.dim}-d embeddings, got ${e.length}`);
      data.set(e, i * this.dim);
    });
    const out = await this.model.run({ embedding: new Tensor('float32', data, [embeddings.length, this.dim]) });
    return Array.from(out.score.data as Float32Array);
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}
