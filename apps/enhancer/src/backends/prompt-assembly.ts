import { composePrompt, type PromptOperation } from '../prompt-rules';
import type { Goal } from '../prompt-rules';
import {
  BASE_TEMPLATE,
  INCOMPATIBLE_FRAGMENTS,
  STYLE_TEMPLATES,
  SUBJECT_MODIFIERS,
  type StyleName,
  type Subject,
} from '../templates/prompt-templates';
import { paletteNames, type BrandStyle } from '../templates/brand-style';
import type { BackendInput, ChosenFragment } from './enhancement-backend';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
const wholeWord = (word: string): RegExp => new RegExp(`(?<![\\p{L}\\p{N}])${escape(word)}(?![\\p{L}\\p{N}])`, 'giu');

// One alternation per subject, compiled once: detection runs on every request.
const SUBJECT_PATTERNS: ReadonlyArray<readonly [Subject, RegExp]> = (
  Object.entries(SUBJECT_MODIFIERS) as Array<[Subject, { keywords: readonly string[] }]>
).map(([subject, { keywords }]) => [
  subject,
  new RegExp(`(?<![\\p{L}])(?:${keywords.map(escape).join('|')})(?:s|es)?(?![\\p{L}])`, 'iu'),
]);

/** The subject's category: a hiring request shows a workplace; otherwise the first subject whose keywords occur. */
export function detectSubject(english: string, goal?: Goal): Subject | undefined {
  if (goal === 'hiring') return 'workplace';
  return SUBJECT_PATTERNS.find(([, pattern]) => pattern.test(english))?.[0];
}

/** Style templates named by the brand's style words ("elegant", "eco" …), at most two. */
export function brandStyles(brand: BrandStyle | undefined): StyleName[] {
  if (!brand) return [];
  const words = [...brand.styleWords, ...brand.styleShort.split(/[\s,]+/u)].map((w) => w.toLowerCase());
  return (Object.keys(STYLE_TEMPLATES) as StyleName[]).filter((s) => words.includes(s)).slice(0, 2);
}

/** The brand's part of a prompt: its short style, templates, moods, palette and composition. */
export function brandPhrases(brand: BrandStyle | undefined): string[] {
  if (!brand) return [];
  const colours = paletteNames(brand.palette);
  return [
    brand.styleShort,
    ...brandStyles(brand).flatMap((s) => STYLE_TEMPLATES[s].slice(0, 2)),
    ...brand.moodWords.map((m) => `${m} mood`),
    ...(colours.length > 0 ? [`${colours.join(', ')} color palette`] : []),
    brand.composition,
  ].filter((p) => p.trim().length > 0);
}

/** Removes a brand's forbidden words from a prompt (whole words, any case) and reports which ones. */
export function removeBanned(prompt: string, banned: readonly string[]): { prompt: string; removed: string[] } {
  let out = prompt;
  const removed: string[] = [];
  for (const word of banned) {
    if (!word.trim()) continue;
    const pattern = wholeWord(word.trim());
    if (pattern.test(out)) {
      removed.push(word);
      out = out.replace(pattern, '');
    }
  }
  out = out
    .replace(/\s+,/gu, ',')
    .replace(/,(?:\s*,)+/gu, ',')
    .replace(/\s{2,}/gu, ' ')
    .replace(/^[\s,]+|[\s,]+$/gu, '');
  return { prompt: out, removed };
}

export function negativePrompt(brand: BrandStyle | undefined): string {
  return [...BASE_TEMPLATE.negative, ...(brand?.bannedWords ?? [])].join(', ');
}

/**
 * Builds the styled English prompt around an English subject text: brand style, subject modifiers, the
 * policy's fragments, then platform, goal and quality guidance (composePrompt keeps it within its cap and
 * never cuts the subject). Every addition is reported as an operation.
 */
export function assemblePrompt(
  english: string,
  input: BackendInput,
): { prompt: string; operations: PromptOperation[]; subject: string } {
  const operations: PromptOperation[] = [];
  const subject = detectSubject(english, input.detection.goal);
  if (!input.autoEnhance)
    return {
      prompt: english,
      operations: [{ name: 'auto_enhance_off', detail: 'plan feature off: translated only' }],
      subject: subject ?? '',
    };
  // Policy options that contradict the subject or the format are skipped (no golden hour for a law firm).
  const clash = new Set([
    ...(subject ? (INCOMPATIBLE_FRAGMENTS[subject] ?? []) : []),
    ...(input.detection.platform === 'poster' ? (INCOMPATIBLE_FRAGMENTS.poster ?? []) : []),
  ]);
  const additions: Array<{ name: string; phrases: string[] }> = [
    { name: 'brand_style', phrases: brandPhrases(input.brand) },
    { name: 'subject_modifier', phrases: subject ? SUBJECT_MODIFIERS[subject].phrases.slice(0, 2) : [] },
    {
      name: 'policy_fragment',
      phrases: input.fragments.map((f: ChosenFragment) => f.phrase).filter((p) => !clash.has(p)),
    },
  ];
  const skipped = input.fragments.filter((f) => clash.has(f.phrase)).map((f) => f.phrase);
  if (skipped.length > 0)
    operations.push({
      name: 'skip_fragment',
      detail: `${skipped.join(', ')} (contradicts ${subject ?? input.detection.platform})`,
    });
  let prompt = english;
  for (const { name, phrases } of additions) {
    const added = phrases.filter((p) => !prompt.toLowerCase().includes(p.toLowerCase()));
    if (added.length === 0) continue;
    prompt = `${prompt}${/[.!?…,;:]$/u.test(prompt) ? ' ' : ', '}${added.join(', ')}`;
    operations.push({ name, detail: added.join(', ') });
  }
  const composed = composePrompt(prompt, input.detection);
  operations.push(...composed.operations);
  const banned = removeBanned(composed.prompt, input.brand?.bannedWords ?? []);
  if (banned.removed.length > 0) operations.push({ name: 'remove_banned', detail: banned.removed.join(', ') });
  return { prompt: banned.prompt, operations, subject: subject ?? '' };
}
