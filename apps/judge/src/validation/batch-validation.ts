import { IsolationForest } from './isolation-forest';

export interface ValidationSettings {
  /** Reject below this consistency with the requested attributes (seed 003: 0.6). */
  minConsistency: number;
  /** Isolation Forest score at or above which an image is an outlier of its batch. */
  outlierThreshold: number;
  /** Smallest batch in which outliers are judged (two points are always symmetric). */
  minBatchForOutliers: number;
}

export const DEFAULT_VALIDATION: ValidationSettings = {
  minConsistency: 0.6,
  outlierThreshold: 0.6,
  minBatchForOutliers: 3,
};

export interface ImageValidation {
  index: number;
  consistency: number;
  outlierScore: number;
  outlier: boolean;
  rejected: boolean;
  reasons: string[];
}

export interface BatchValidation {
  images: ImageValidation[];
  accepted: number;
  rejected: number;
  summary: string;
  method: string;
}

/**
 * Validates a generated batch: each image's consistency with the requested attributes (from the
 * judge) and whether it is an outlier among its siblings (Isolation Forest on the judge's feature
 * vectors, seeded by the generation so reruns agree). Rejected = consistency < minConsistency or
 * outlier. Rejection is advisory: images are still delivered, flagged, and best selection skips them.
 */
export function validateBatch(
  items: ReadonlyArray<{ index: number; consistency: number; features: number[] }>,
  seed: number,
  settings: ValidationSettings = DEFAULT_VALIDATION,
): BatchValidation {
  const judgeOutliers = items.length >= settings.minBatchForOutliers;
  const forest = judgeOutliers
    ? new IsolationForest(
        items.map((i) => i.features),
        { seed },
      )
    : undefined;
  const images = items.map((item): ImageValidation => {
    const outlierScore = forest ? forest.score(item.features) : 0;
    const outlier = forest !== undefined && outlierScore >= settings.outlierThreshold;
    const reasons: string[] = [];
    if (item.consistency < settings.minConsistency) {
      reasons.push(`consistency ${item.consistency.toFixed(2)} < ${settings.minConsistency}`);
    }
    if (outlier) reasons.push(`outlier (isolation score ${outlierScore.toFixed(2)})`);
    return {
      index: item.index,
      consistency: item.consistency,
      outlierScore,
      outlier,
      rejected: reasons.length > 0,
      reasons,
    };
  });
  const rejected = images.filter((i) => i.rejected);
  const parts = [`${images.length - rejected.length} of ${images.length} images pass`];
  for (const r of rejected) parts.push(`image ${r.index} rejected: ${r.reasons.join(', ')}`);
  if (!judgeOutliers) parts.push(`outliers not judged in a batch of ${images.length}`);
  return {
    images,
    accepted: images.length - rejected.length,
    rejected: rejected.length,
    summary: parts.join('; '),
    method: `isolation-forest(t=100, psi=min(256,n), threshold=${settings.outlierThreshold}); consistency >= ${settings.minConsistency}`,
  };
}
