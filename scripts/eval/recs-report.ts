/**
 * Writes `npm run eval:recs`'s table as JSON into the recommender's models directory
 * (`<RECOMMENDER_MODELS_DIR>/reports/recs-eval.json`), where the service serves it to the admin dashboard
 * (`GET /v1/recommendations/metrics`). RECOMMENDER_MODELS_DIR from the environment, else the service's default.
 */
import { loadConfig } from '@atelier/config';
import {
  RECS_EVAL_REPORT_VERSION,
  writeRecsEvalReport,
  type RecsEvalDataset,
} from '../../apps/recommender/src/offline-metrics/recs-eval-report';

export function writeRecsReport(
  datasets: readonly RecsEvalDataset[],
  options: { k: number; holdout: number; modelsDir?: string },
): string {
  const modelsDir =
    options.modelsDir ??
    loadConfig('recommender', { RECOMMENDER_MODELS_DIR: process.env.RECOMMENDER_MODELS_DIR }).env
      .RECOMMENDER_MODELS_DIR;
  return writeRecsEvalReport(modelsDir, {
    kind: 'recs-eval',
    version: RECS_EVAL_REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    k: options.k,
    holdout: options.holdout,
    datasets: datasets.map((d) => ({
      dataset: d.dataset,
      users: d.users,
      items: d.items,
      interactions: d.interactions,
      lambda: d.lambda,
      blendWeights: d.blendWeights,
      rows: d.rows.map((r) => ({
        recommender: r.recommender,
        precision: r.precision,
        recall: r.recall,
        map: r.map,
        ndcg: r.ndcg,
        coverage: r.coverage,
        users: r.users,
      })),
    })),
  });
}
