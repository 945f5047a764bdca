import type { AttributeSchema } from '../attributes/attribute-schema';
import type { AttributeReading } from '../visual-search/attribute-profile';
import { ProfileMatcher, type Aggregation, type CandidatePhoto } from './profile-matcher';

/** A fixture photo with its embedding and readings. */
export interface EvalPhoto {
  id: string;
  embedding: Float32Array;
  attributes: AttributeReading[];
}

/** A fixture person: a face (CelebA hair label) and outfits of one colour (fashion label). */
export interface EvalPerson {
  userId: string;
  hair: string;
  style: string;
  photos: EvalPhoto[];
}

export interface EvalQuery {
  /** The person whose face is the liked face: left out of the pool for this query. */
  excluded: string;
  hair: string;
  style: string;
  positives: EvalPhoto[];
  negatives: EvalPhoto[];
}

/** Graded gain: 1 for the liked hair colour, 1 for the liked outfit colour. */
export const gainOf = (p: EvalPerson, q: EvalQuery): number =>
  (p.hair === q.hair ? 1 : 0) + (p.style === q.style ? 1 : 0);

export function ndcgAt(gains: number[], ideal: number[], k: number): number {
  const dcg = (g: number[]) => g.slice(0, k).reduce((s, x, i) => s + (2 ** x - 1) / Math.log2(i + 2), 0);
  const best = dcg([...ideal].sort((a, b) => b - a));
  return best > 0 ? dcg(gains) / best : 0;
}

/** nDCG@k per query of the matcher with one aggregation. */
export function evaluateAggregation(
  schema: AttributeSchema,
  people: EvalPerson[],
  queries: EvalQuery[],
  aggregation: Aggregation,
  k = 5,
  gamma = 0.5,
): number[] {
  const matcher = new ProfileMatcher(schema);
  return queries.map((q) => {
    const pool = people.filter((p) => p.userId !== q.excluded);
    const candidates: CandidatePhoto[] = pool.flatMap((p) =>
      p.photos.map((ph) => ({ userId: p.userId, photoId: ph.id, embedding: ph.embedding, attributes: ph.attributes })),
    );
    const ranked = matcher.rank({ positives: q.positives, negatives: q.negatives, gamma, k, aggregation }, candidates);
    const byId = new Map(pool.map((p) => [p.userId, p]));
    const gains = ranked.map((m) => gainOf(byId.get(m.userId) as EvalPerson, q));
    return ndcgAt(
      gains,
      pool.map((p) => gainOf(p, q)),
      k,
    );
  });
}

/** Expected nDCG@k of a random order (Monte Carlo, seeded). */
export function randomBaseline(people: EvalPerson[], queries: EvalQuery[], k = 5, rounds = 200): number[] {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return queries.map((q) => {
    const pool = people.filter((p) => p.userId !== q.excluded);
    const ideal = pool.map((p) => gainOf(p, q));
    let sum = 0;
    for (let r = 0; r < rounds; r++) {
      const order = [...pool].sort(() => rand() - 0.5);
      sum += ndcgAt(
        order.map((p) => gainOf(p, q)),
        ideal,
        k,
      );
    }
    return sum / rounds;
  });
}

/** Mean with a 95% bootstrap interval over queries (seeded). */
export function bootstrapMean(values: number[], resamples = 2000): { mean: number; lo: number; hi: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[Math.floor(rand() * values.length)];
    means.push(s / values.length);
  }
  means.sort((a, b) => a - b);
  return { mean, lo: means[Math.floor(0.025 * resamples)], hi: means[Math.floor(0.975 * resamples)] };
}
