import { join } from 'node:path';
import { ClipEncoders, dot, type OnnxSessionOptions } from '@atelier/ml-runtime';
import { AestheticHead, aestheticToUnit, type AestheticHeadId } from '../aesthetics/aesthetic-heads';
import type { ImageJudgement, JudgeBackend, JudgeRequest } from '../scoring/judge-backend';

export type ClipNormalisation = 'clipscore' | 'linear';

/** clip_n from the cosine: CLIPScore (Hessel et al. 2021) 2.5·max(cos, 0) clipped to [0, 1], or (cos + 1) / 2. */
export function clipToUnit(cos: number, mode: ClipNormalisation = 'clipscore'): number {
  const v = mode === 'clipscore' ? 2.5 * Math.max(cos, 0) : (cos + 1) / 2;
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

export interface ClipJudgeOptions {
  clipDir: string;
  modelsDir: string;
  aestheticHead: AestheticHeadId | 'auto';
  normalisation: ClipNormalisation;
  session?: OnnxSessionOptions;
  batchSize?: number;
}

/**
 * The CLIP judge: prompt fidelity = clip_n of the cosine between the L2-normalised image and
 * prompt embeddings; aesthetics = a LAION head on the image embedding, aes_n = (aes_raw − 1) / 9.
 */
export class ClipJudge implements JudgeBackend {
  readonly name = 'clip';
  readonly version = '1';

  private constructor(
    private readonly encoders: ClipEncoders,
    private readonly head: AestheticHead,
    private readonly options: ClipJudgeOptions,
  ) {}

  /** Loads encoders and head; a missing or corrupt file fails here with its path. */
  static async load(options: ClipJudgeOptions): Promise<ClipJudge> {
    const encoders = await ClipEncoders.load({
      dir: options.clipDir,
      vocabFile: join(options.modelsDir, 'clip-bpe-tokenizer', 'bpe_simple_vocab_16e6.txt.gz'),
      session: options.session,
      batchSize: options.batchSize,
    });
    const [probe] = await encoders.embedTexts(['a photo']);
    const headId = options.aestheticHead === 'auto' ? AestheticHead.defaultFor(probe.length) : options.aestheticHead;
    const head = await AestheticHead.load(options.modelsDir, headId, options.session);
    return new ClipJudge(encoders, head, options);
  }

  info(): Record<string, unknown> {
    return {
      clip: { dir: this.options.clipDir, layout: this.encoders.layout, imageSize: this.encoders.imageSize },
      aestheticHead: this.head.id,
      clipNormalisation: this.options.normalisation,
      aesNormalisation: '(aes_raw - 1) / 9 clipped to [0, 1]',
    };
  }

  async warmUp(): Promise<void> {
    await this.encoders.warmUp();
  }

  async judge(request: JudgeRequest): Promise<ImageJudgement[]> {
    const [text] = await this.encoders.embedTexts([request.prompt]);
    const images = await this.encoders.embedImages(request.images.map((i) => i.bytes));
    const aes = await this.head.score(images);
    // Mean embedding of the batch: distance from it feeds outlier validation.
    const centroid = new Float32Array(images[0]?.length ?? 0);
    for (const e of images) e.forEach((v, i) => (centroid[i] += v / images.length));
    return request.images.map((img, i) => {
      const cos = dot(images[i], text);
      const clipN = clipToUnit(cos, this.options.normalisation);
      const aesN = aestheticToUnit(aes[i]);
      const toCentroid = dot(images[i], centroid);
      return {
        index: img.index,
        fidelity: clipN,
        aesthetic: aesN,
        consistency: clipN,
        components: { clip_cos: cos, clip_n: clipN, aes_raw: aes[i], aes_n: aesN, batch_similarity: toCentroid },
        features: [clipN, aesN, toCentroid],
        descriptor: images[i],
      };
    });
  }
}
