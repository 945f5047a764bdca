import type { RussianMorphology } from '@atelier/ru-en';
import type { BuiltinBackend } from '../backends/builtin-backend';
import { cleanPrompt, detectPlatformAndGoal, type Detection } from '../prompt-rules';
import { GOALS } from '../prompt-rules/platform-goal-detector';
import { detectLanguage } from './language-detector';
import type { PromptTranslator } from './prompt-translator';
import { containsTerm } from './translation-eval';

/** One labelled request of a frozen set (written blind by someone who never saw the rules). */
export interface FrozenRequest {
  id: string;
  text: string;
  platform: string;
  goal: string;
  keyTerms: readonly string[];
  subject: string;
}

/**
 * English words that are wrong senses of common shop words (archaic, technical or literal-minded dictionary
 * senses a built-in translator produced before): a prompt containing one is counted as having a wrong sense.
 */
export const WRONG_SENSES: readonly string[] = [
  'neat',
  'bumper',
  'cluster',
  'tick',
  'alluvion',
  'cardinal screen',
  'summer old',
  '\\d+ summer',
  'tame',
  'hive',
  'mazarine',
  'seaking',
  'comfit',
  'rumple',
  'shear',
  'bookish',
  'personnel',
  'technique',
  'paschal',
  'hearth',
  'chalk',
  'salesman',
  'net on',
  'flyleaf',
  'dray',
  'cud',
];
const WRONG = WRONG_SENSES.map((w) => new RegExp(`(?<![\\p{L}])${w}(?![\\p{L}])`, 'iu'));

export interface PipelineRun {
  prompt: string;
  transliterated: string[];
  micros: number;
}

export interface ItemResult {
  item: FrozenRequest;
  detection: Detection;
  run: PipelineRun;
  termsFound: number;
  missing: string[];
  /** Transliterated words that have a non-name OpenCorpora lemma. */
  commonTransliterated: string[];
  wrongSenses: string[];
}

/** Cleans, detects and enhances a request with the given backend, timing the whole enhancement. */
export function enhanceOnce(
  backend: BuiltinBackend,
  translator: PromptTranslator,
  text: string,
): {
  detection: Detection;
  run: PipelineRun;
} {
  const started = process.hrtime.bigint();
  const cleaned = cleanPrompt(text).text;
  const language = detectLanguage(cleaned, translator.englishLexicon).language;
  const detection = detectPlatformAndGoal(cleaned);
  const result = backend.enhanceSync({ cleaned, language, detection, fragments: [], autoEnhance: true });
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  return { detection, run: { prompt: result.prompt, transliterated: result.transliterated, micros } };
}

/** A transliterated word is "common" when OpenCorpora knows it and no reading is a name, surname or place. */
export function isCommonWord(morphology: RussianMorphology, word: string): boolean {
  const readings = morphology.analyse(word.toLowerCase());
  return readings.length > 0 && !readings.some((r) => r.proper) && !morphology.analyse(word).some((r) => r.proper);
}

export function scoreItem(
  item: FrozenRequest,
  detection: Detection,
  run: PipelineRun,
  morphology: RussianMorphology,
): ItemResult {
  const missing = item.keyTerms.filter((t) => !containsTerm(run.prompt, t));
  return {
    item,
    detection,
    run,
    termsFound: item.keyTerms.length - missing.length,
    missing,
    commonTransliterated: run.transliterated.filter((w) => isCommonWord(morphology, w)),
    wrongSenses: WRONG_SENSES.filter((_, i) => WRONG[i]?.test(run.prompt)),
  };
}

/** Percentile of a sorted copy (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Seeded PRNG (mulberry32) so bootstrap intervals are reproducible run to run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 95% percentile-bootstrap interval of a statistic over items (items resampled with replacement). */
export function bootstrap<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => number,
  rounds = 1000,
  seed = 7,
): { value: number; low: number; high: number } {
  const random = rng(seed);
  const values: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const sample = items.map(() => items[Math.floor(random() * items.length)] as T);
    values.push(statistic(sample));
  }
  return { value: statistic(items), low: percentile(values, 2.5), high: percentile(values, 97.5) };
}

export interface LabelStats {
  label: string;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
}

/** Per-label precision and recall of goal detection. */
export function goalStats(results: readonly ItemResult[]): LabelStats[] {
  return GOALS.map((label) => {
    const support = results.filter((r) => r.item.goal === label).length;
    const predicted = results.filter((r) => r.detection.goal === label).length;
    const right = results.filter((r) => r.item.goal === label && r.detection.goal === label).length;
    return {
      label,
      support,
      predicted,
      precision: predicted === 0 ? Number.NaN : right / predicted,
      recall: support === 0 ? Number.NaN : right / support,
    };
  });
}

export const termRecall = (rs: readonly ItemResult[]): number =>
  rs.reduce((s, r) => s + r.termsFound, 0) /
  Math.max(
    1,
    rs.reduce((s, r) => s + r.item.keyTerms.length, 0),
  );
export const goalAccuracy = (rs: readonly ItemResult[]): number =>
  rs.filter((r) => r.detection.goal === r.item.goal).length / Math.max(1, rs.length);
export const platformAccuracy = (rs: readonly ItemResult[]): number =>
  rs.filter((r) => r.detection.platform === r.item.platform).length / Math.max(1, rs.length);
export const noCommonTransliteration = (rs: readonly ItemResult[]): number =>
  rs.filter((r) => r.commonTransliterated.length === 0).length / Math.max(1, rs.length);
export const noWrongSense = (rs: readonly ItemResult[]): number =>
  rs.filter((r) => r.wrongSenses.length === 0).length / Math.max(1, rs.length);
