/**
 * Judge evaluation on the frozen prompt-grouped test split of AGIQA-3K (shared part; train-judge-data.ts:
 * isTestPrompt): Spearman / Kendall vs quality and alignment MOS (overall and mean within prompt), pairwise
 * accuracy within prompt with 95 % bootstrap CIs over prompts, top-1 hit rate; all images and modern generators
 * only (no AttnGAN, GLIDE). Baselines in the same run: random, sharpness alone, file size alone, the vision judge
 * as it was (v1: 0.7·fidelity with 0.5 when nothing is checkable + 0.3·statistics proxy).
 *
 *   npm run eval:judge      (extracts missing test features first, cached outside the repo — train-judge-data.ts;
 *                            `-- --no-extract` scores what is cached; DATA_DIR overrides <repo>/../shared/data)
 */
import { loadConfig } from '@atelier/config';
import { SeededRandom } from '@atelier/ml-runtime';
import { QualityModel } from '../../apps/judge/src/quality/quality-model';
import { combineParts } from '../../apps/judge/src/quality/score-parts';
import { extractTargets } from '../../apps/judge/src/vision/prompt-targets';
import { AESTHETIC_PROXY_WEIGHTS, judgeAnalysis, promptFidelity } from '../../apps/judge/src/vision/vision-judge';
import { extractFeatures } from '../train-judge-features';
import { isModern, isTestPrompt, loadAgiqa, readFeatureCache, toAnalysis, type RatedImage } from '../train-judge-data';
import { defaultDataDir } from './datasets';
import { byGroup, pairedBootstrapCi, pairwiseAccuracy, report, type Report, type Scored } from './eval-judge-metrics';

interface Item {
  group: number;
  modern: boolean;
  mosQuality: number;
  mosAlign: number;
  /** Objects or colours checkable (the judge's evidence before the learned prompt match). */
  evidence: boolean;
  /** The learned prompt-match part has evidence (objects, colours or batch consensus). */
  matchEvidence: boolean;
  scores: Record<string, number>;
}

const f3 = (x: number) => x.toFixed(3);
const row = (name: string, r: Report) =>
  `| ${name.padEnd(34)} | ${f3(r.spearman)} | ${f3(r.kendall)} | ${f3(r.withinSpearman)} | ${f3(r.withinKendall)} | ` +
  `${f3(r.pairwise)} [${f3(r.pairwiseCi[0])}, ${f3(r.pairwiseCi[1])}] | ${f3(r.top1)} |`;

function table(title: string, items: Item[], target: 'mosQuality' | 'mosAlign', contenders: string[]): void {
  const groups = new Set(items.map((i) => i.group)).size;
  console.log(`\n### ${title}: ${items.length} images, ${groups} prompts`);
  console.log('| scorer | SRCC | KRCC | within SRCC | within KRCC | pairwise within prompt [95% CI] | top-1 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const c of contenders) {
    console.log(row(c, report(items.map((i) => ({ group: i.group, score: i.scores[c], mos: i[target] })))));
  }
  const top1Random = [...byGroup(items.map((i) => ({ group: i.group, score: 0, mos: i[target] })))]
    .map((g) => 1 / g.length)
    .reduce((s, v, _, a) => s + v / a.length, 0);
  console.log(`(random's expected top-1: ${f3(top1Random)})`);
}

function margin(items: Item[], a: string, b: string, target: 'mosQuality' | 'mosAlign'): string {
  const gs = (c: string): Scored[][] => {
    const m = new Map<number, Scored[]>();
    for (const i of items)
      m.set(i.group, [...(m.get(i.group) ?? []), { group: i.group, score: i.scores[c], mos: i[target] }]);
    return [...m.keys()].sort((x, y) => x - y).map((k) => m.get(k) as Scored[]);
  };
  const ga = gs(a);
  const gb = gs(b);
  const d = pairwiseAccuracy(ga) - pairwiseAccuracy(gb);
  const [lo, hi] = pairedBootstrapCi(ga, gb, pairwiseAccuracy);
  return `${a} − ${b}: ${d >= 0 ? '+' : ''}${f3(d)} [${f3(lo)}, ${f3(hi)}]${lo > 0 ? ' (CI above 0)' : ''}`;
}

type CacheMap = ReturnType<typeof readFeatureCache>;

/**
 * Scores `images` as the judge would, each prompt's images forming one request (the batch-consensus evidence reads
 * the other images of the same request: for the modern-only tables the request holds only the modern images).
 */
function scoreImages(images: RatedImage[], cache: CacheMap, model: QualityModel, seed: number): Item[] {
  const rng = new SeededRandom(seed);
  const analyses = new Map(images.map((img) => [img.name, toAnalysis(cache.get(img.name)!)]));
  return images.map((img) => {
    const c = cache.get(img.name)!;
    const a = analyses.get(img.name)!;
    const others = images.filter((o) => o.group === img.group && o !== img).map((o) => analyses.get(o.name)!);
    const targets = extractTargets([img.prompt]);
    const f = promptFidelity(a, targets);
    const j = judgeAnalysis(0, a, targets, [], model, others);
    const matchPart = j.parts?.find((p) => p.id === 'fidelity');
    const proxy = AESTHETIC_PROXY_WEIGHTS.statistics * a.statistics.score + AESTHETIC_PROXY_WEIGHTS.balance * a.balance;
    return {
      group: img.group,
      modern: isModern(img),
      mosQuality: img.mosQuality,
      mosAlign: img.mosAlign,
      evidence: f.fidelity !== undefined,
      matchEvidence: matchPart?.evidence ?? false,
      scores: {
        'judge (learned, final)': combineParts(j.parts ?? []).final,
        'learned quality part': model.score(a.quality),
        // Without evidence the judge's fidelity carries the combined score (changes no order), as in the service.
        'prompt-match part (learned)': j.fidelity,
        'fidelity part (objects+colours)': f.fidelity ?? Number.NaN,
        'baseline: vision judge v1': 0.7 * (f.fidelity ?? 0.5) + 0.3 * proxy,
        'baseline: sharpness alone': a.statistics.metrics.sharpness,
        'baseline: file size alone': c.bytes,
        'baseline: random': rng.next(),
      },
    };
  });
}

function coverage(label: string, items: Item[]): void {
  const share = (xs: Item[]) =>
    `${xs.length}/${items.length} (${((100 * xs.length) / (items.length || 1)).toFixed(1)} %)`;
  console.log(
    `coverage, ${label}: prompt-match evidence (objects, colours or batch consensus) ` +
      `${share(items.filter((i) => i.matchEvidence))}; objects or colours only ${share(items.filter((i) => i.evidence))}`,
  );
}

async function main(): Promise<void> {
  const env = loadConfig('judge').env;
  const dataDir = process.env.DATA_DIR ?? defaultDataDir();
  // --no-extract: evaluate what is cached (while extraction runs elsewhere); the count of missing images is printed.
  if (!process.argv.includes('--no-extract')) {
    await extractFeatures(dataDir, process.env.TRAIN_JUDGE_LIMIT ? Number(process.env.TRAIN_JUDGE_LIMIT) : undefined, {
      split: 'test',
    });
  }
  const model = QualityModel.load(env.JUDGE_QUALITY_MODEL);
  const cache = readFeatureCache();
  const test = loadAgiqa(dataDir).filter((i) => isTestPrompt(i.group));
  const missing = test.filter((i) => !cache.has(i.name)).length;
  const cached = test.filter((i) => cache.has(i.name));
  const items = scoreImages(cached, cache, model, 2026);
  const modern = scoreImages(
    cached.filter((i) => isModern(i)),
    cache,
    model,
    2027,
  );
  console.log(
    `# judge eval — model ${model.version}, parts ${JSON.stringify(model.partWeights)}, ` +
      `prompt match ${model.promptMatch ? JSON.stringify(model.promptMatch.weights) : 'none'}`,
  );
  console.log(
    `test split: prompts with isTestPrompt (30 % of the shared prompts, frozen before training); ` +
      `${items.length} images of ${new Set(items.map((i) => i.group)).size} prompts scored` +
      `${missing ? `, ${missing} without cached features (not extracted)` : ' (all of the test split)'}`,
  );
  coverage('all generators', items);
  coverage('modern generators', modern);
  const contenders = [
    'judge (learned, final)',
    'learned quality part',
    'baseline: vision judge v1',
    'baseline: sharpness alone',
    'baseline: file size alone',
    'baseline: random',
  ];
  table('quality MOS, all generators', items, 'mosQuality', contenders);
  table('quality MOS, modern generators (no AttnGAN, GLIDE)', modern, 'mosQuality', contenders);
  const align = ['judge (learned, final)', 'prompt-match part (learned)', ...contenders.slice(1)];
  table('alignment MOS, all generators', items, 'mosAlign', align);
  table('alignment MOS, modern generators', modern, 'mosAlign', align);
  const alignEvidence = ['fidelity part (objects+colours)', ...align];
  for (const [name, set, key] of [
    ['prompt-match evidence, all generators', items, 'matchEvidence'],
    ['prompt-match evidence, modern generators', modern, 'matchEvidence'],
    ['object/colour evidence (as before), all generators', items, 'evidence'],
    ['object/colour evidence (as before), modern generators', modern, 'evidence'],
  ] as const) {
    const contendersHere = key === 'evidence' ? alignEvidence : align;
    table(
      `alignment MOS where the judge claims ${name}`,
      set.filter((i) => i[key]),
      'mosAlign',
      contendersHere,
    );
  }
  console.log('\n### margins (paired bootstrap over prompts, 95 % CI), within-prompt pairwise accuracy');
  for (const [name, set] of [
    ['all', items],
    ['modern', modern],
  ] as const) {
    console.log(
      `${name}, quality: ${margin(set, 'judge (learned, final)', 'baseline: sharpness alone', 'mosQuality')}`,
    );
    console.log(
      `${name}, quality: ${margin(set, 'judge (learned, final)', 'baseline: vision judge v1', 'mosQuality')}`,
    );
    console.log(
      `${name}, alignment: ${margin(set, 'judge (learned, final)', 'baseline: vision judge v1', 'mosAlign')}`,
    );
    console.log(`${name}, alignment: ${margin(set, 'judge (learned, final)', 'learned quality part', 'mosAlign')}`);
    console.log(
      `${name}, alignment: ${margin(set, 'prompt-match part (learned)', 'learned quality part', 'mosAlign')}`,
    );
  }
  const oldEv = modern.filter((i) => i.evidence);
  console.log(
    `modern, object/colour evidence, alignment: ${margin(oldEv, 'judge (learned, final)', 'baseline: vision judge v1', 'mosAlign')}`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
