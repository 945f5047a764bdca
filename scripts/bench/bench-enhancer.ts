/**
 * npm run bench:enhancer [-- --passes 30]
 * The built-in backend (clean → detect platform/goal/language → dictionary+glossary translation → templates,
 * brand style and policy fragments) over the hand-labelled requests, against the bare cleaner as the baseline,
 * in the same run: enhancements/s and p50/p99 latency per request. Also the one-off dictionary index time.
 */
import { BuiltinBackend } from '../../apps/enhancer/src/backends/builtin-backend';
import { fixedFragments } from '../../apps/enhancer/src/policy/prompt-policy';
import { cleanPrompt, detectPlatformAndGoal } from '../../apps/enhancer/src/prompt-rules';
import type { BrandStyle } from '../../apps/enhancer/src/templates/brand-style';
import {
  DEBIAN_DICTIONARIES,
  RuEnDictionary,
  RussianTranslator,
  detectLanguage,
} from '../../apps/enhancer/src/translation';
import {
  TRANSLATION_EVAL_SET,
  TRANSLATION_HELD_OUT_SET,
} from '../../apps/enhancer/src/translation/translation-eval.data';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PASSES = arg('passes', 30);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

function measure(
  name: string,
  texts: readonly string[],
  fn: (text: string) => unknown,
): { perSecond: number; p50: number; p99: number } {
  for (const t of texts) fn(t); // warm-up
  const latencies: number[] = [];
  const started = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const t of texts) {
      const t0 = performance.now();
      fn(t);
      latencies.push(performance.now() - t0);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const result = { perSecond: latencies.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
  console.log(
    `${name.padEnd(34)} ${result.perSecond.toFixed(0).padStart(8)} /s   p50 ${(result.p50 * 1000).toFixed(0).padStart(5)} µs   p99 ${(result.p99 * 1000).toFixed(0).padStart(5)} µs`,
  );
  return result;
}

function main(): void {
  const t0 = performance.now();
  const { dictionary, loaded, missing } = RuEnDictionary.load(DEBIAN_DICTIONARIES('/usr/share/dictd'));
  console.log(
    `dictionary index: ${dictionary.size} Russian words from ${loaded.join(', ')}${missing.length ? ` (missing ${missing.join(', ')})` : ''} in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  const translator = new RussianTranslator(dictionary);
  const backend = new BuiltinBackend(translator);
  const brand: BrandStyle = {
    id: 'bench',
    name: 'Bench',
    styleShort: 'cozy minimalist',
    styleWords: ['cozy', 'minimalist'],
    palette: ['#1E5A32', '#F5EBD7'],
    moodWords: ['calm'],
    bannedWords: ['cheap'],
    composition: 'subject on the left',
  };
  const fragments = fixedFragments();
  const texts = [...TRANSLATION_EVAL_SET, ...TRANSLATION_HELD_OUT_SET].map((r) => r.text);
  console.log(`${texts.length} labelled requests × ${PASSES} passes, one at a time, on this machine\n`);

  const baseline = measure('baseline: cleanPrompt only', texts, (t) => cleanPrompt(t));
  measure('clean + platform/goal rules', texts, (t) => detectPlatformAndGoal(cleanPrompt(t).text));
  const full = measure('builtin backend (full enhancement)', texts, (raw) => {
    const cleaned = cleanPrompt(raw).text;
    return backend.enhanceSync({
      cleaned,
      language: detectLanguage(cleaned, translator.englishLexicon).language,
      detection: detectPlatformAndGoal(cleaned),
      brand,
      fragments,
      autoEnhance: true,
    });
  });
  console.log(
    `\nbuiltin enhancement costs ×${(baseline.perSecond / full.perSecond).toFixed(1)} the bare cleaner (throughput ratio); p99 ${(full.p99 * 1000).toFixed(0)} µs vs ${(baseline.p99 * 1000).toFixed(0)} µs`,
  );
}

main();
