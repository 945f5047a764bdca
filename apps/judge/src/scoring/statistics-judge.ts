import { l2Normalize } from '@atelier/ml-runtime';
import { STATISTICS_SCORER, measureImage, scoreMeasurements } from '../image-statistics/image-statistics';
import type { ImageJudgement, JudgeBackend, JudgeRequest } from './judge-backend';

/** The mesh's first judge: image statistics only; prompt fidelity has no evidence, so quality is the verdict. */
export class StatisticsJudge implements JudgeBackend {
  readonly name = STATISTICS_SCORER.name;
  readonly version = STATISTICS_SCORER.version;

  info(): Record<string, unknown> {
    return { fidelity: 'not measured (no evidence: the quality part carries the score)' };
  }

  async judge(request: JudgeRequest): Promise<ImageJudgement[]> {
    return Promise.all(
      request.images.map(async (img) => {
        const { score, metrics } = scoreMeasurements(await measureImage(img.bytes));
        const features = [metrics.sharpness_n, metrics.contrast_n, metrics.colourfulness_n, metrics.exposure_n];
        return {
          index: img.index,
          fidelity: score,
          aesthetic: score,
          consistency: 1,
          components: { ...metrics, statistics_score: score, fidelity_evidence: 0 },
          parts: [{ id: 'quality', score, weight: 1, evidence: true }],
          features,
          descriptor: l2Normalize(features.map((f) => f + 1e-3)),
        };
      }),
    );
  }
}
