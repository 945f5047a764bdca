/**
 * Trains the judge's quality model on human ratings (AGIQA-3K shared part, training prompts only) and writes
 * apps/judge/models/judge-quality.json (or JUDGE_QUALITY_MODEL when it names a file).
 *
 *   npm run train:judge            (extracts missing features of the training prompts first; TRAIN_JUDGE_LIMIT=N caps
 *                                   images, whole prompts; `-- --no-extract` trains on what is cached)
 *
 * Model: a ridge probe on MobileNetV2's 1280-d features gives one "embedding score"; gradient-boosted trees combine
 * it with the hand-made features (sharpness at three scales, noise, JPEG blocks, clipping, colour harmony …).
 * Everything is chosen by 5-fold cross-validation grouped by prompt on the training prompts (the probe's score
 * fed to the trees is out-of-fold, so the trees never see a probe that memorised their rows). The test prompts
 * (train-judge-data.ts: isTestPrompt) are never read here.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@atelier/config';
import { DEFAULT_BOOSTING, fitBoosting, fitRidge, type BoostingOptions } from '../apps/judge/src/quality/learners';
import { HANDCRAFTED_FEATURES } from '../apps/judge/src/quality/quality-features';
import { IMAGE_DIMENSIONS, IMAGE_MODEL } from '@atelier/ml-runtime';
import {
  linearScore,
  predictTrees,
  QualityModel,
  type QualityModelFile,
} from '../apps/judge/src/quality/quality-model';
import {
  matchInputs,
  promptFidelity,
  type ImageAnalysis,
  type PromptFidelity,
} from '../apps/judge/src/vision/vision-judge';
import { fitMatchModel, matchCrossValidation } from './train-judge-match';
import { extractTargets } from '../apps/judge/src/vision/prompt-targets';
import { byGroup, pairwiseAccuracy, spearman, type Scored } from './eval/eval-judge-metrics';
import { defaultDataDir } from './eval/datasets';
import { extractFeatures } from './train-judge-features';
import { foldOf, isTestPrompt, loadAgiqa, readFeatureCache, toAnalysis, type RatedImage } from './train-judge-data';

const FOLDS = 5;

export interface Row {
  img: RatedImage;
  hc: number[];
  emb: Float32Array;
  fidelity?: number;
  analysis: ImageAnalysis;
  prompt: PromptFidelity;
}

export function loadRows(dataDir: string, split: 'train' | 'test'): Row[] {
  const cache = readFeatureCache();
  return loadAgiqa(dataDir)
    .filter((img) => cache.has(img.name) && isTestPrompt(img.group) === (split === 'test'))
    .map((img) => {
      const f = cache.get(img.name)!;
      const a = toAnalysis(f);
      const prompt = promptFidelity(a, extractTargets([img.prompt]));
      return {
        img,
        hc: HANDCRAFTED_FEATURES.map((k) => f.features[k]),
        emb: Float32Array.from(f.embedding),
        fidelity: prompt.fidelity,
        analysis: a,
        prompt,
      };
    });
}

interface Config {
  lambda: number;
  boosting: BoostingOptions | null;
}

interface Fitted {
  head: ReturnType<typeof fitRidge>;
  trees?: ReturnType<typeof fitBoosting>;
}

/** Probe fits and out-of-fold probe scores depend only on the rows and λ: computed once per (rows, λ). */
const probeMemo = new Map<string, { head: ReturnType<typeof fitRidge>; oof?: number[] }>();

/** Fits the probe, and (with boosting) the trees on hand-made features + the probe's out-of-fold score. */
function fit(rows: Row[], cfg: Config): Fitted {
  const y = rows.map((r) => r.img.mosQuality);
  const key = `${cfg.lambda}:${rows.map((r) => r.img.name).join('|')}`;
  const memo = probeMemo.get(key) ?? {
    head: fitRidge(
      rows.map((r) => r.emb),
      y,
      cfg.lambda,
    ),
  };
  probeMemo.set(key, memo);
  const head = memo.head;
  if (!cfg.boosting) return { head };
  memo.oof ??= outOfFoldProbe(rows, cfg.lambda);
  const oof = memo.oof;
  const trees = fitBoosting(
    rows.map((r, i) => [...r.hc, oof[i]]),
    y,
    cfg.boosting,
  );
  return { head, trees };
}

function outOfFoldProbe(rows: Row[], lambda: number): number[] {
  const oof = new Array<number>(rows.length);
  for (let k = 0; k < FOLDS; k++) {
    const inner = rows.map((r, i) => ({ r, i })).filter(({ r }) => foldOf(r.img.group + 7_919, FOLDS) !== k);
    const held = rows.map((r, i) => ({ r, i })).filter(({ r }) => foldOf(r.img.group + 7_919, FOLDS) === k);
    if (held.length === 0) continue;
    const h = fitRidge(
      inner.map(({ r }) => r.emb),
      inner.map(({ r }) => r.img.mosQuality),
      lambda,
    );
    for (const { r, i } of held) oof[i] = linearScore(h, r.emb);
  }
  return oof;
}

function predict(m: Fitted, r: Row): number {
  const e = linearScore(m.head, r.emb);
  return m.trees ? predictTrees(m.trees, [...r.hc, e]) : e;
}

/** Out-of-fold predictions of a config over the training rows (grouped by prompt). */
function crossValidate(rows: Row[], cfg: Config): number[] {
  const out = new Array<number>(rows.length);
  for (let k = 0; k < FOLDS; k++) {
    const train = rows.filter((r) => foldOf(r.img.group, FOLDS) !== k);
    const m = fit(train, cfg);
    rows.forEach((r, i) => {
      if (foldOf(r.img.group, FOLDS) === k) out[i] = predict(m, r);
    });
  }
  return out;
}

function within(rows: Row[], scores: number[], target: (r: Row) => number): number {
  return pairwiseAccuracy(byGroup(rows.map((r, i) => ({ group: r.img.group, score: scores[i], mos: target(r) }))));
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

export async function trainJudge(
  dataDir: string,
  out: string,
  limit?: number,
  extract = true,
  matchOnly = false,
): Promise<QualityModelFile> {
  if (extract) await extractFeatures(dataDir, limit, { split: 'train' });
  const rows = loadRows(dataDir, 'train');
  const prompts = new Set(rows.map((r) => r.img.group)).size;
  console.log(`training on ${rows.length} images of ${prompts} training prompts (test prompts untouched)`);
  const started = Date.now();
  // --match-only: keep the quality model in `out` as it is; only the prompt match and the part weights are learned
  // (on out-of-fold quality scores of the stored configuration, recomputed on the rows at hand).
  const kept = matchOnly ? QualityModel.load(out).file : undefined;

  const candidates: Config[] = [];
  for (const lambda of [0.3, 1, 3, 10]) candidates.push({ lambda, boosting: null });
  const results: Array<{ cfg: Config; pairwise: number; srcc: number; oof: number[] }> = [];
  const evaluate = (cfg: Config) => {
    const oof = crossValidate(rows, cfg);
    const res = {
      cfg,
      oof,
      pairwise: within(rows, oof, (r) => r.img.mosQuality),
      srcc: spearman(
        oof,
        rows.map((r) => r.img.mosQuality),
      ),
    };
    results.push(res);
    const b = cfg.boosting;
    console.log(
      `  cv λ=${cfg.lambda} ${b ? `trees=${b.trees} depth=${b.depth}` : 'probe only'}: ` +
        `within-prompt pairwise ${res.pairwise.toFixed(3)}, SRCC ${res.srcc.toFixed(3)}`,
    );
    return res;
  };
  if (kept) evaluate(storedConfig(kept));
  else {
    for (const c of candidates) evaluate(c);
    const bestProbe = results.reduce((a, b) => (b.pairwise > a.pairwise ? b : a));
    for (const trees of [150, 300]) {
      for (const depth of [2, 3]) {
        evaluate({ lambda: bestProbe.cfg.lambda, boosting: { ...DEFAULT_BOOSTING, trees, depth } });
      }
    }
  }
  const best = results.reduce((a, b) => (b.pairwise > a.pairwise ? b : a));
  console.log(
    `chosen: λ=${best.cfg.lambda}, ${best.cfg.boosting ? `${best.cfg.boosting.trees} trees of depth ${best.cfg.boosting.depth}` : 'probe only'}`,
  );

  // Prompt match (objects, colours, batch consensus, the quality prior) learned from alignment MOS, chosen by the
  // same grouped CV; then the weight between the parts for the human overall judgement (quality + alignment MOS),
  // both on out-of-fold scores.
  const y = rows.map((r) => r.img.mosQuality);
  const low = quantile(y, 0.05);
  const high = quantile(y, 0.95);
  const unit = (v: number) => Math.min(1, Math.max(0, (v - low) / (high - low)));
  const inputs = rows.map((r, i) =>
    matchInputs(
      r.analysis,
      r.prompt,
      rows.filter((o) => o !== r && o.img.group === r.img.group).map((o) => o.analysis),
      unit(best.oof[i]),
    ),
  );
  const matchRows = rows.map((r, i) => ({ group: r.img.group, x: inputs[i], mos: r.img.mosAlign }));
  const matchCv = matchCrossValidation(matchRows, (g) => foldOf(g, FOLDS), FOLDS);
  for (const line of matchCv.log) console.log(`  ${line}`);
  const matchModel = fitMatchModel(matchRows, matchCv.lambda);
  console.log(`prompt match: λ=${matchCv.lambda}, weights ${JSON.stringify(matchModel.weights.map(r3))}`);
  const withEvidence = rows
    .map((r, i) => ({ r, q: unit(best.oof[i]), m: matchCv.oof[i] }))
    .filter(({ m }) => m !== undefined);
  let bestW = 0;
  let bestAcc = -1;
  const curve: Record<string, number> = {};
  for (let w = 0; w <= 1.0001; w += 0.05) {
    const scored: Scored[] = withEvidence.map(({ r, q, m }) => ({
      group: r.img.group,
      score: (1 - w) * q + w * (m as number),
      mos: r.img.mosQuality + r.img.mosAlign,
    }));
    const acc = pairwiseAccuracy(byGroup(scored));
    curve[w.toFixed(2)] = Math.round(acc * 1000) / 1000;
    if (acc > bestAcc + 1e-9) {
      bestAcc = acc;
      bestW = Math.round(w * 100) / 100;
    }
  }
  console.log(
    `prompt-match part weight (train images with evidence: ${withEvidence.length}): ${bestW} (curve ${JSON.stringify(curve)})`,
  );

  if (kept) {
    const body = {
      ...kept,
      partWeights: { quality: Math.round((1 - bestW) * 100) / 100, fidelity: bestW },
      promptMatch: matchModel,
      provenance: {
        ...kept.provenance,
        fidelityWeightCurve: curve,
        promptMatch: {
          data: 'AGIQA-3K training prompts, target mos_align, pairs within prompt',
          images: rows.length,
          prompts,
          lambda: matchCv.lambda,
          cv: matchCv.table,
        },
        promptMatchTrainedAt: new Date().toISOString(),
      },
    };
    return writeModel(out, body, started);
  }
  const final = fit(rows, best.cfg);
  const bands: Record<string, [number, number]> = {};
  HANDCRAFTED_FEATURES.forEach((f, j) => {
    const v = rows.map((r) => r.hc[j]);
    bands[f] = [quantile(v, 0.25), quantile(v, 0.75)];
  });
  const body: Omit<QualityModelFile, 'version'> = {
    format: 'atelier-judge-quality/1',
    handcrafted: [...HANDCRAFTED_FEATURES],
    embeddingHead: { model: IMAGE_MODEL, dims: IMAGE_DIMENSIONS, ...roundLinear(final.head) },
    ...(final.trees
      ? {
          trees: {
            ...final.trees,
            trees: final.trees.trees.map((t) => ({ ...t, threshold: t.threshold.map(r6), value: t.value.map(r6) })),
          },
        }
      : { linear: identityLinear() }),
    range: { low, high },
    partWeights: { quality: Math.round((1 - bestW) * 100) / 100, fidelity: bestW },
    promptMatch: matchModel,
    bands,
    provenance: {
      data: 'AGIQA-3K shared part (../shared/data/agiqa-3k), training prompts only (isTestPrompt false)',
      images: rows.length,
      prompts,
      target: 'mos_quality',
      learner: best.cfg.boosting
        ? { probe: `ridge λ=${best.cfg.lambda}`, trees: best.cfg.boosting }
        : { probe: `ridge λ=${best.cfg.lambda}` },
      cv: {
        folds: FOLDS,
        grouping: 'prompt',
        withinPromptPairwise: r3(best.pairwise),
        spearman: r3(best.srcc),
        candidates: results.map((r) => ({
          lambda: r.cfg.lambda,
          trees: r.cfg.boosting?.trees ?? 0,
          depth: r.cfg.boosting?.depth ?? 0,
          pairwise: r3(r.pairwise),
        })),
      },
      fidelityWeightCurve: curve,
      promptMatchCv: matchCv.table,
      trainedAt: new Date().toISOString(),
    },
  };
  return writeModel(out, body, started);
}

/** Versions the file by a hash of everything but its provenance, checks that the judge can load it, writes it. */
function writeModel(out: string, body: Omit<QualityModelFile, 'version'>, started: number): QualityModelFile {
  const hash = createHash('sha256')
    .update(JSON.stringify({ ...body, version: undefined, provenance: undefined }))
    .digest('hex')
    .slice(0, 8);
  const file: QualityModelFile = { ...body, version: `agiqa3k-q1-${hash}` } as QualityModelFile;
  QualityModel.fromJson(file); // refuses anything the judge could not load
  writeFileSync(out, `${JSON.stringify(file)}\n`);
  console.log(`wrote ${out} (${file.version}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

/** The probe λ and trees a stored model was trained with (its provenance). */
function storedConfig(file: QualityModelFile): Config {
  const learner = file.provenance.learner as { probe: string; trees?: BoostingOptions } | undefined;
  const lambda = Number(/λ=([\d.]+)/u.exec(learner?.probe ?? '')?.[1] ?? 1);
  return { lambda, boosting: learner?.trees ?? null };
}

/** A linear part that passes the probe's score through (probe-only model: the last input, weight 1). */
function identityLinear(): NonNullable<QualityModelFile['linear']> {
  const n = HANDCRAFTED_FEATURES.length + 1;
  const weights = new Array<number>(n).fill(0);
  weights[n - 1] = 1;
  return { mean: new Array<number>(n).fill(0), scale: new Array<number>(n).fill(1), weights, bias: 0 };
}

function roundLinear(l: ReturnType<typeof fitRidge>) {
  return { mean: l.mean.map(r6), scale: l.scale.map(r6), weights: l.weights.map(r6), bias: r6(l.bias) };
}

function r6(x: number): number {
  return Number(x.toPrecision(6));
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (require.main === module) {
  const env = loadConfig('judge').env;
  const dataDir = process.env.DATA_DIR ?? defaultDataDir();
  const out = env.JUDGE_QUALITY_MODEL === 'off' ? '' : env.JUDGE_QUALITY_MODEL;
  const limit = process.env.TRAIN_JUDGE_LIMIT ? Number(process.env.TRAIN_JUDGE_LIMIT) : undefined;
  if (!out) {
    console.error('JUDGE_QUALITY_MODEL=off: nowhere to write the model');
    process.exit(2);
  }
  // --no-extract: train on what is cached (e.g. while extraction runs elsewhere, see train-judge-features.ts).
  // --match-only: keep the stored quality model, learn only the prompt match and the part weights.
  trainJudge(dataDir, out, limit, !process.argv.includes('--no-extract'), process.argv.includes('--match-only')).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
