import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The latest offline evaluation of the recommenders (`npm run eval:recs`) as a file in the models directory:
 * the script writes it, the service serves it to the admin dashboard. Versioned so a reader can refuse a shape
 * it does not know.
 */
export const RECS_EVAL_REPORT_VERSION = 1;

export interface RecsEvalMetricRow {
  recommender: string;
  precision: number;
  recall: number;
  map: number;
  ndcg: number;
  /** Share of the catalogue recommended to anybody. */
  coverage: number;
  users?: number;
}

export interface RecsEvalDataset {
  dataset: string;
  users: number;
  items: number;
  interactions: number;
  lambda?: number;
  blendWeights?: Record<string, number>;
  rows: RecsEvalMetricRow[];
}

export interface RecsEvalReport {
  kind: 'recs-eval';
  version: typeof RECS_EVAL_REPORT_VERSION;
  generatedAt: string;
  /** Metrics are at this cut-off (P@k, R@k, MAP@k, NDCG@k). */
  k: number;
  /** Per-user temporal leave-last-n-out. */
  holdout: number;
  datasets: RecsEvalDataset[];
}

export class RecsEvalReportError extends Error {}

/** `<models dir>/reports/recs-eval.json`. */
export const recsEvalReportPath = (modelsDir: string): string => join(modelsDir, 'reports', 'recs-eval.json');

const METRICS = ['precision', 'recall', 'map', 'ndcg', 'coverage'] as const;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of a parsed report; throws RecsEvalReportError naming the first problem. */
export function validateRecsEvalReport(value: unknown): RecsEvalReport {
  const fail = (what: string): never => {
    throw new RecsEvalReportError(`recs-eval report: ${what}`);
  };
  if (!isObject(value)) return fail('not an object');
  if (value.kind !== 'recs-eval') fail('kind is not recs-eval');
  if (value.version !== RECS_EVAL_REPORT_VERSION) fail(`unknown version ${String(value.version)}`);
  if (typeof value.generatedAt !== 'string' || Number.isNaN(Date.parse(value.generatedAt))) fail('bad generatedAt');
  if (!isFiniteNumber(value.k) || value.k < 1) fail('bad k');
  if (!isFiniteNumber(value.holdout) || value.holdout < 1) fail('bad holdout');
  if (!Array.isArray(value.datasets)) return fail('datasets is not a list');
  value.datasets.forEach((ds: unknown, i) => {
    if (!isObject(ds) || typeof ds.dataset !== 'string') return fail(`dataset ${i} has no name`);
    for (const n of ['users', 'items', 'interactions']) if (!isFiniteNumber(ds[n])) fail(`dataset ${i}: bad ${n}`);
    if (!Array.isArray(ds.rows)) return fail(`dataset ${i}: rows is not a list`);
    ds.rows.forEach((row: unknown, j) => {
      if (!isObject(row) || typeof row.recommender !== 'string') return fail(`dataset ${i} row ${j}: no recommender`);
      for (const m of METRICS) if (!isFiniteNumber(row[m])) fail(`dataset ${i} row ${j}: bad ${m}`);
    });
  });
  return value as unknown as RecsEvalReport;
}

/** Reads the report; undefined when none was written yet, RecsEvalReportError when it is unreadable. */
export function readRecsEvalReport(modelsDir: string): RecsEvalReport | undefined {
  let text: string;
  try {
    text = readFileSync(recsEvalReportPath(modelsDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RecsEvalReportError(`recs-eval report unreadable: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new RecsEvalReportError(`recs-eval report is not JSON: ${(err as Error).message}`);
  }
  return validateRecsEvalReport(parsed);
}

/**
 * Validates and writes the report next to the trained checkpoints; the rename makes a reader see either the old
 * file or the whole new one. Returns the path written.
 */
export function writeRecsEvalReport(modelsDir: string, report: RecsEvalReport): string {
  validateRecsEvalReport(report);
  const path = recsEvalReportPath(modelsDir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
