import { cleanPrompt } from './prompt-cleaner';
import { detectPlatformAndGoal, GOALS, PLATFORMS, type Detection } from './platform-goal-detector';
import type { LabelledDetection } from './platform-goal-labels';

export interface LabelScore {
  accuracy: number;
  /** confusion[expected][detected] = count */
  confusion: Map<string, Map<string, number>>;
  errors: Array<{ text: string; expected: string; got: string; matched: string[] }>;
  /** Per confidence value: how many decisions had it and how many of those were right. */
  calibration: Map<number, { n: number; right: number }>;
}

export interface DetectionScore {
  items: number;
  platform: LabelScore;
  goal: LabelScore;
}

function emptyScore(): LabelScore {
  return { accuracy: 0, confusion: new Map(), errors: [], calibration: new Map() };
}

function record(
  score: LabelScore,
  item: LabelledDetection,
  expected: string,
  got: string,
  confidence: number,
  d: Detection,
): void {
  const row = score.confusion.get(expected) ?? new Map<string, number>();
  row.set(got, (row.get(got) ?? 0) + 1);
  score.confusion.set(expected, row);
  const bucket = score.calibration.get(confidence) ?? { n: 0, right: 0 };
  bucket.n++;
  if (expected === got) bucket.right++;
  else score.errors.push({ text: item.text, expected, got, matched: d.matched });
  score.calibration.set(confidence, bucket);
}

/** Cleans every request the way the enhancer does, detects platform and goal, and scores both labels. */
export function scoreDetection(set: readonly LabelledDetection[]): DetectionScore {
  const platform = emptyScore();
  const goal = emptyScore();
  for (const item of set) {
    const d = detectPlatformAndGoal(cleanPrompt(item.text).text);
    record(platform, item, item.platform, d.platform, d.platformConfidence, d);
    record(goal, item, item.goal, d.goal, d.goalConfidence, d);
  }
  const accuracy = (s: LabelScore): number =>
    set.length === 0 ? 0 : [...s.confusion].reduce((sum, [label, row]) => sum + (row.get(label) ?? 0), 0) / set.length;
  platform.accuracy = accuracy(platform);
  goal.accuracy = accuracy(goal);
  return { items: set.length, platform, goal };
}

const SHORT: Readonly<Record<string, string>> = {
  instagram_post: 'ig_post',
  instagram_story: 'story',
  vk_post: 'vk',
  telegram_post: 'tg',
  banner: 'banner',
  website_hero: 'hero',
  marketplace_card: 'mp_card',
  poster: 'poster',
  generic: 'generic',
  promotion: 'promo',
  branding: 'brand',
  product_shot: 'product',
  announcement: 'announce',
  seasonal: 'season',
  hiring: 'hiring',
};

/** A confusion table: rows expected, columns detected, with per-row recall. */
export function confusionTable(score: LabelScore, kind: 'platform' | 'goal'): string {
  const labels: readonly string[] = kind === 'platform' ? PLATFORMS : GOALS;
  const short = (label: string): string => SHORT[label] ?? label;
  const width = Math.max(...labels.map((l) => short(l).length)) + 1;
  const cell = (s: string): string => s.padStart(width);
  const lines = [`${'expected \\ detected'.padEnd(20)}${labels.map((l) => cell(short(l))).join('')}   recall`];
  for (const expected of labels) {
    const row = score.confusion.get(expected);
    const total = row ? [...row.values()].reduce((a, b) => a + b, 0) : 0;
    const right = row?.get(expected) ?? 0;
    const cells = labels.map((got) => {
      const n = row?.get(got) ?? 0;
      return cell(n === 0 ? '.' : String(n));
    });
    lines.push(
      `${short(expected).padEnd(20)}${cells.join('')}   ${total === 0 ? '-' : `${right}/${total}`.padStart(6)}`,
    );
  }
  return lines.join('\n');
}

export function calibrationTable(score: LabelScore): string {
  return [...score.calibration]
    .sort(([a], [b]) => b - a)
    .map(
      ([confidence, { n, right }]) =>
        `  confidence ${confidence.toFixed(2)}: ${right}/${n} right (${((100 * right) / n).toFixed(0)}%)`,
    )
    .join('\n');
}
