/**
 * Learns the judge's prompt-match part (apps/judge/src/vision/prompt-match.ts) from human alignment MOS: a pairwise
 * logistic model over the standardised match features, on pairs of images of the same prompt; λ by grouped CV.
 */
import {
  EVIDENCE_FEATURES,
  fitPairwiseLogistic,
  hasEvidence,
  MATCH_FEATURES,
  matchScore,
  standardised,
  type MatchFeature,
  type MatchInputs,
  type PromptMatchModelJson,
} from '../apps/judge/src/vision/prompt-match';
import { byGroup, pairwiseAccuracy, type Scored } from './eval/eval-judge-metrics';

export interface MatchRow {
  group: number;
  x: MatchInputs;
  /** Human alignment MOS. */
  mos: number;
}

const LAMBDAS = [0.1, 1, 10, 100];

/** Mean and standard deviation of each feature over the rows where it is present. */
function standardiser(
  rows: readonly MatchRow[],
  features: readonly MatchFeature[],
): { mean: number[]; scale: number[] } {
  const mean: number[] = [];
  const scale: number[] = [];
  for (const f of features) {
    const v = rows.map((r) => r.x[f]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    const m = v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)) : 1;
    mean.push(m);
    scale.push(sd > 1e-9 ? sd : 1);
  }
  return { mean, scale };
}

/** Differences of standardised features over same-prompt pairs with different MOS, preferred image first. */
function pairDiffs(rows: readonly MatchRow[], model: Omit<PromptMatchModelJson, 'weights'>): number[][] {
  const z = rows.map((r) => standardised({ ...model, weights: model.features.map(() => 0) }, r.x));
  const groups = new Map<number, number[]>();
  rows.forEach((r, i) => groups.set(r.group, [...(groups.get(r.group) ?? []), i]));
  const out: number[][] = [];
  for (const idx of groups.values()) {
    for (let a = 0; a < idx.length; a++) {
      for (let b = a + 1; b < idx.length; b++) {
        const [i, j] = [idx[a], idx[b]];
        if (rows[i].mos === rows[j].mos) continue;
        const [p, q] = rows[i].mos > rows[j].mos ? [i, j] : [j, i];
        out.push(z[p].map((v, k) => v - z[q][k]));
      }
    }
  }
  return out;
}

export function fitMatchModel(
  rows: readonly MatchRow[],
  lambda: number,
  features: readonly MatchFeature[] = MATCH_FEATURES,
): PromptMatchModelJson {
  const { mean, scale } = standardiser(rows, features);
  const base = { features: [...features], mean, scale };
  const weights = fitPairwiseLogistic(pairDiffs(rows, base), lambda);
  const r6 = (x: number) => Number(x.toPrecision(6));
  return { features: [...features], mean: mean.map(r6), scale: scale.map(r6), weights: weights.map(r6) };
}

function accuracy(rows: readonly MatchRow[], scores: ReadonlyArray<number | undefined>): number {
  const scored: Scored[] = [];
  rows.forEach((r, i) => {
    const s = scores[i];
    if (s !== undefined) scored.push({ group: r.group, score: s, mos: r.mos });
  });
  return pairwiseAccuracy(byGroup(scored));
}

/** Out-of-fold match scores (undefined without evidence) for one λ and feature set. */
function outOfFold(
  rows: readonly MatchRow[],
  fold: (group: number) => number,
  k: number,
  lambda: number,
  features: readonly MatchFeature[],
): Array<number | undefined> {
  const out = new Array<number | undefined>(rows.length).fill(undefined);
  for (let f = 0; f < k; f++) {
    const train = rows.filter((r) => fold(r.group) !== f);
    const m = fitMatchModel(train, lambda, features);
    rows.forEach((r, i) => {
      if (fold(r.group) === f && hasEvidence(r.x)) out[i] = matchScore(m, r.x);
    });
  }
  return out;
}

/**
 * Grouped k-fold CV of the prompt-match model over λ (all features); also, for the record, each evidence feature
 * alone (no fit) and the model without the batch-consensus features.
 */
export function matchCrossValidation(
  rows: readonly MatchRow[],
  fold: (group: number) => number,
  k: number,
): { lambda: number; oof: Array<number | undefined>; log: string[]; table: Record<string, number> } {
  const log: string[] = [];
  const table: Record<string, number> = {};
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const covered = rows.filter((r) => hasEvidence(r.x)).length;
  log.push(
    `prompt match on ${rows.length} training images, evidence on ${covered}; within-prompt pairwise vs alignment MOS:`,
  );
  for (const f of [...EVIDENCE_FEATURES, 'quality' as const]) {
    const acc = accuracy(
      rows,
      rows.map((r) => r.x[f]),
    );
    const n = rows.filter((r) => r.x[f] !== undefined).length;
    table[`alone:${f}`] = r3(acc);
    log.push(`  ${f} alone (no fit, ${n} images): ${acc.toFixed(3)}`);
  }
  let best = { lambda: LAMBDAS[0], acc: -1, oof: [] as Array<number | undefined> };
  for (const lambda of LAMBDAS) {
    const oof = outOfFold(rows, fold, k, lambda, MATCH_FEATURES);
    const acc = accuracy(rows, oof);
    table[`cv:λ=${lambda}`] = r3(acc);
    log.push(`  cv λ=${lambda}, all features: ${acc.toFixed(3)}`);
    if (acc > best.acc + 1e-9) best = { lambda, acc, oof };
  }
  const noConsensus = MATCH_FEATURES.filter((f) => f !== 'consensus' && f !== 'class_consensus');
  const acc = accuracy(rows, outOfFold(rows, fold, k, best.lambda, noConsensus));
  table['cv:no consensus'] = r3(acc);
  log.push(`  cv λ=${best.lambda}, without the consensus features: ${acc.toFixed(3)}`);
  return { lambda: best.lambda, oof: best.oof, log, table };
}
