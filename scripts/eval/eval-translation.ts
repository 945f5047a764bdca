/**
 * The built-in enhancer measured on a frozen request set written blind (npm run eval:translation [-- --set FILE]).
 * `-- --dev` runs the development set instead (apps/enhancer/src/prompt-rules/translation.dev.json): look at
 * misses and tune only there; the frozen set is run once at the end.
 *
 * Default set: apps/enhancer/src/prompt-rules/frozen-2026-12.data.json (229 requests, labelled by someone who never
 * saw the rules, copied into the repo after the rules were final and evaluated once). Every request is cleaned,
 * detected and enhanced twice in the same run: by the morphology pipeline (@atelier/ru-en, subject extraction) and
 * by the legacy word-by-word translator (Snowball stems, no subject extraction). Reports key-term recall, the share
 * of prompts with no transliterated common word, the share with no wrong sense (WRONG_SENSES), goal and platform
 * accuracy with per-goal precision/recall, trivial baselines (majority goal; the untranslated request as prompt)
 * and latency per enhancement (p50/p95 over --passes passes after a warm-up pass), each with a 95% bootstrap CI.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEBIAN_DICTIONARIES, DictionaryLexicon, RuEnTranslator, RussianMorphology } from '@atelier/ru-en';
import { BuiltinBackend } from '../../apps/enhancer/src/backends/builtin-backend';
import { cleanPrompt } from '../../apps/enhancer/src/prompt-rules';
import {
  DEBIAN_DICTIONARIES as LEGACY_DICTIONARIES,
  MorphologyTranslator,
  RuEnDictionary,
  RussianTranslator,
} from '../../apps/enhancer/src/translation';
import {
  bootstrap,
  enhanceOnce,
  goalAccuracy,
  goalStats,
  noCommonTransliteration,
  noWrongSense,
  percentile,
  platformAccuracy,
  scoreItem,
  termRecall,
  type FrozenRequest,
  type ItemResult,
} from '../../apps/enhancer/src/translation/enhancer-eval';
import { containsTerm } from '../../apps/enhancer/src/translation/translation-eval';

const { values: args } = parseArgs({
  options: {
    set: { type: 'string' },
    dev: { type: 'boolean', default: false },
    dictionaries: { type: 'string', default: '/usr/share/dictd' },
    passes: { type: 'string', default: '5' },
    errors: { type: 'string', default: '40' },
  },
});

const pct = (x: number): string => (Number.isNaN(x) ? '  -  ' : `${(100 * x).toFixed(1)}%`);
const ci = (b: { value: number; low: number; high: number }, f: (x: number) => string = pct): string =>
  `${f(b.value)} [${f(b.low)}, ${f(b.high)}]`;
const us = (x: number): string => `${x.toFixed(0)} µs`;

const FROZEN_SET = 'apps/enhancer/src/prompt-rules/frozen-2026-12.data.json';
const DEV_SET = 'apps/enhancer/src/prompt-rules/translation.dev.json';
const setFile = args.set ?? (args.dev ? DEV_SET : FROZEN_SET);

async function main(): Promise<void> {
  const set = JSON.parse(readFileSync(resolve(setFile), 'utf8')) as FrozenRequest[];
  const started = Date.now();
  const morphology = await RussianMorphology.load();
  const { lexicon } = DictionaryLexicon.load(DEBIAN_DICTIONARIES(args.dictionaries));
  const fresh = new MorphologyTranslator(new RuEnTranslator({ morphology, lexicon }));
  const loadedNew = Date.now() - started;
  const legacyStarted = Date.now();
  const legacy = new RussianTranslator(RuEnDictionary.load(LEGACY_DICTIONARIES(args.dictionaries)).dictionary);
  const loadedLegacy = Date.now() - legacyStarted;
  const pipelines = [
    { name: 'morphology (ru-en)', translator: fresh, backend: new BuiltinBackend(fresh) },
    { name: 'legacy built-in', translator: legacy, backend: new BuiltinBackend(legacy, { extractSubject: false }) },
  ];

  const passes = Math.max(1, Number(args.passes));
  const latencies = new Map<string, number[][]>(pipelines.map((p) => [p.name, set.map(() => [])]));
  const results = new Map<string, ItemResult[]>();
  const cold = new Map<string, number[]>();
  // Warm-up pass (JIT, caches), scored and timed as "cold": each request seen for the first time, so typo
  // repairs are searched, not read from the cache; then timed passes interleaving the two pipelines item by item.
  for (const p of pipelines) {
    const firstSight: number[] = [];
    results.set(
      p.name,
      set.map((item) => {
        const { detection, run } = enhanceOnce(p.backend, p.translator, item.text);
        firstSight.push(run.micros);
        return scoreItem(item, detection, run, morphology);
      }),
    );
    cold.set(p.name, firstSight);
  }
  for (let pass = 0; pass < passes; pass++) {
    set.forEach((item, i) => {
      for (const p of pipelines)
        latencies.get(p.name)?.[i]?.push(enhanceOnce(p.backend, p.translator, item.text).run.micros);
    });
  }

  const lines: string[] = [];
  lines.push(
    `${setFile === FROZEN_SET ? 'FROZEN' : 'development'} set ${setFile}: ${set.length} requests; load ${loadedNew} ms (morphology + lemma index), legacy ${loadedLegacy} ms`,
  );
  const majority = [...set.reduce((m, r) => m.set(r.goal, (m.get(r.goal) ?? 0) + 1), new Map<string, number>())].sort(
    (a, b) => b[1] - a[1],
  )[0];
  lines.push(`baseline goal = always "${majority?.[0]}": ${pct((majority?.[1] ?? 0) / set.length)}`);
  const untranslated = set.map((r) => ({
    found: r.keyTerms.filter((t) => containsTerm(cleanPrompt(r.text).text, t)).length,
    n: r.keyTerms.length,
  }));
  lines.push(
    `baseline key terms = the cleaned request untranslated: ${pct(untranslated.reduce((s, u) => s + u.found, 0) / untranslated.reduce((s, u) => s + u.n, 0))}`,
  );
  for (const p of pipelines) {
    const rs = results.get(p.name) ?? [];
    const perItemMedian = (latencies.get(p.name) ?? []).map((l) => percentile(l, 50));
    lines.push('', `== ${p.name}`);
    lines.push(`key-term recall              ${ci(bootstrap(rs, termRecall))}`);
    lines.push(`no transliterated common word ${ci(bootstrap(rs, noCommonTransliteration))}`);
    lines.push(`no wrong sense               ${ci(bootstrap(rs, noWrongSense))}`);
    lines.push(`goal accuracy                ${ci(bootstrap(rs, goalAccuracy))}`);
    lines.push(`platform accuracy            ${ci(bootstrap(rs, platformAccuracy))}`);
    lines.push(
      `latency p50 per enhancement  ${ci(
        bootstrap(perItemMedian, (s) => percentile(s, 50)),
        us,
      )}`,
    );
    lines.push(
      `latency p95 per enhancement  ${ci(
        bootstrap(perItemMedian, (s) => percentile(s, 95)),
        us,
      )}`,
    );
    const firstSight = cold.get(p.name) ?? [];
    lines.push(
      `latency first sight p50/p95 ${us(percentile(firstSight, 50))} / ${us(percentile(firstSight, 95))} (cold caches, one pass)`,
    );
    lines.push('goal        support predicted precision recall');
    for (const g of goalStats(rs)) {
      lines.push(
        `${g.label.padEnd(13)}${String(g.support).padStart(6)}${String(g.predicted).padStart(10)}${pct(g.precision).padStart(10)}${pct(g.recall).padStart(8)}`,
      );
    }
  }
  // Typo repair alone: a fresh translator (empty cache) on the requests where it repaired a word, first
  // translation (searched) against the second (read from the LRU cache), same process, interleaved.
  const repairTranslator = new RuEnTranslator({ morphology, lexicon });
  const searched: number[] = [];
  const cachedTimes: number[] = [];
  for (const item of set) {
    const subject = cleanPrompt(item.text).text;
    const t0 = process.hrtime.bigint();
    const first = repairTranslator.translate(subject);
    const t1 = process.hrtime.bigint();
    repairTranslator.translate(subject);
    const t2 = process.hrtime.bigint();
    if (first.repaired.length === 0) continue;
    searched.push(Number(t1 - t0) / 1000);
    cachedTimes.push(Number(t2 - t1) / 1000);
  }
  // Synthetic typos for a steadier figure: every distinct word of ≥ 7 letters in the set with its middle letter
  // dropped, each translated alone by a fresh translator, then again (from the cache).
  const typoTranslator = new RuEnTranslator({ morphology, lexicon });
  const typoWords = [...new Set(set.flatMap((r) => r.text.toLowerCase().match(/[а-яё]{7,}/gu) ?? []))].map(
    (w) => w.slice(0, w.length >> 1) + w.slice((w.length >> 1) + 1),
  );
  const typoCold: number[] = [];
  const typoWarm: number[] = [];
  for (const word of typoWords) {
    const t0 = process.hrtime.bigint();
    typoTranslator.translate(word);
    const t1 = process.hrtime.bigint();
    typoTranslator.translate(word);
    typoCold.push(Number(t1 - t0) / 1000);
    typoWarm.push(Number(process.hrtime.bigint() - t1) / 1000);
  }
  lines.push(
    '',
    `synthetic typos (${typoWords.length} words, middle letter dropped): p50/p95 uncached ${us(percentile(typoCold, 50))} / ${us(percentile(typoCold, 95))}, cached (LRU) ${us(percentile(typoWarm, 50))} / ${us(percentile(typoWarm, 95))}`,
  );
  lines.push(
    `typo repair: ${searched.length} requests with a repaired word; translate p50/p95 uncached ${us(percentile(searched, 50))} / ${us(percentile(searched, 95))}, cached (LRU) ${us(percentile(cachedTimes, 50))} / ${us(percentile(cachedTimes, 95))}`,
  );
  const fresh0 = results.get(pipelines[0]?.name ?? '') ?? [];
  const limit = Number(args.errors);
  lines.push('', `== morphology pipeline: misses (first ${limit} of each kind)`);
  for (const r of fresh0.filter((x) => x.missing.length > 0).slice(0, limit)) {
    lines.push(`terms ${r.item.id} missing ${r.missing.join('|')}: ${r.item.text} → ${r.run.prompt.slice(0, 160)}`);
  }
  for (const r of fresh0.filter((x) => x.detection.goal !== x.item.goal).slice(0, limit)) {
    lines.push(`goal ${r.item.id} ${r.item.goal} → ${r.detection.goal}: ${r.item.text}`);
  }
  for (const r of fresh0.filter((x) => x.commonTransliterated.length > 0 || x.wrongSenses.length > 0).slice(0, limit)) {
    lines.push(
      `words ${r.item.id} transliterated ${r.commonTransliterated.join(',')} wrong ${r.wrongSenses.join(',')}: ${r.run.prompt.slice(0, 120)}`,
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
