import { SeededRandom } from '@atelier/ml-runtime';
import { extractTargets } from './prompt-targets';
import { promptFidelity, type ImageAnalysis } from './vision-judge';

export interface CaptionMatchingResult {
  images: number;
  poolSize: number;
  /** Expected share of images whose own caption scores highest (ties split evenly). */
  rate: number;
  /** The same for a random ranking: 1 / poolSize. */
  randomRate: number;
}

/**
 * Caption matching: each image is scored against a pool of `poolSize` captions (its own plus
 * captions of other images drawn with a fixed seed); it counts as matched when its own caption
 * gets the highest prompt fidelity. A tie among t captions counts 1/t — the expected hit rate of
 * breaking the tie at random — so coarse scores cannot look better than they are.
 */
export function captionMatchingRate(
  analyses: readonly ImageAnalysis[],
  captions: readonly string[],
  poolSize = 10,
  seed = 7,
): CaptionMatchingResult {
  if (analyses.length !== captions.length) throw new Error('one caption per image');
  const n = analyses.length;
  const pool = Math.min(poolSize, n);
  const targets = captions.map((c) => extractTargets([c]));
  const rng = new SeededRandom(seed);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const others = new Set<number>();
    while (others.size < pool - 1) {
      const j = rng.int(n);
      if (j !== i) others.add(j);
    }
    const candidates = [i, ...others];
    const scores = candidates.map((c) => promptFidelity(analyses[i], targets[c]).fidelity ?? 0.5);
    const best = Math.max(...scores);
    const tied = scores.filter((s) => s === best).length;
    if (scores[0] === best) hits += 1 / tied;
  }
  return { images: n, poolSize: pool, rate: hits / n, randomRate: 1 / pool };
}
