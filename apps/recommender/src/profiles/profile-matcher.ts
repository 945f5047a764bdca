import type { AttributeSchema } from '../attributes/attribute-schema';
import {
  buildAttributeProfile,
  scoreAttributes,
  type AttributeProfile,
  type AttributeReading,
} from '../visual-search/attribute-profile';
import { explain, type Explanation } from '../visual-search/explanation';

export const AGGREGATIONS = ['best', 'mean', 'softmax'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Chosen by `npm run eval:profiles` on the fixture (apps/recommender/README.md, "Dating profiles"). */
export const DEFAULT_AGGREGATION: Aggregation = 'best';
/** Temperature of the soft-max: τ·log(mean(exp(s/τ))) — between mean (τ → ∞) and best (τ → 0). */
export const SOFTMAX_TEMPERATURE = 0.05;
/** Blend of embedding and attribute agreement in a photo's score (as the photo search). */
export const PHOTO_EMBEDDING_WEIGHT = 0.5;

export interface ExamplePhoto {
  id: string;
  embedding: Float32Array;
  attributes: AttributeReading[];
}

export interface CandidatePhoto {
  userId: string;
  photoId: string;
  embedding: Float32Array;
  attributes: AttributeReading[];
}

export interface ProfileMatch {
  userId: string;
  matchScore: number;
  /** The profile's photo that agreed best with the examples (the explanation is read from it). */
  bestPhotoId: string;
  photoScores: Array<{ photoId: string; score: number }>;
  explanation: Explanation;
}

export interface ProfileQuery {
  positives: ExamplePhoto[];
  negatives: ExamplePhoto[];
  /** Rocchio weight of the negatives. */
  gamma: number;
  k: number;
  aggregation: Aggregation;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** α·avg(positives) − γ·avg(negatives), unit length. */
export function targetVector(positives: Float32Array[], negatives: Float32Array[], gamma: number): Float32Array {
  const d = positives[0]?.length ?? 0;
  const out = new Float32Array(d);
  for (const v of positives) for (let i = 0; i < d; i++) out[i] += v[i] / positives.length;
  if (negatives.length && gamma > 0)
    for (const v of negatives) for (let i = 0; i < d; i++) out[i] -= (gamma * v[i]) / negatives.length;
  let s = 0;
  for (const x of out) s += x * x;
  if (s > 0) for (let i = 0; i < d; i++) out[i] /= Math.sqrt(s);
  return out;
}

/** One profile's score from its photos' scores. */
export function aggregate(scores: readonly number[], how: Aggregation, tau = SOFTMAX_TEMPERATURE): number {
  if (scores.length === 0) return 0;
  const best = Math.max(...scores);
  if (how === 'best') return best;
  if (how === 'mean') return scores.reduce((a, b) => a + b, 0) / scores.length;
  // Log-mean-exp, shifted by the best for numerical safety.
  const m = scores.reduce((a, s) => a + Math.exp((s - best) / tau), 0) / scores.length;
  return best + tau * Math.log(m);
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * Ranks profiles by their photos' agreement with the liked and disliked example photos: each photo scores as in the
 * photo search (cosine to the Rocchio target blended with fuzzy attribute agreement), the profile's score
 * aggregates its photos. The candidates are already filtered (gender, age, city, privacy, blocks): everything
 * passed in is ranked, so a narrow filter still returns k when k profiles pass it.
 */
export class ProfileMatcher {
  constructor(private readonly schema: AttributeSchema) {}

  rank(q: ProfileQuery, candidates: readonly CandidatePhoto[]): ProfileMatch[] {
    if (q.positives.length === 0) return [];
    const target = targetVector(
      q.positives.map((p) => p.embedding),
      q.negatives.map((p) => p.embedding),
      q.gamma,
    );
    const profile: AttributeProfile = buildAttributeProfile(
      this.schema,
      q.positives.map((p) => p.attributes),
      q.negatives.map((p) => p.attributes),
    );
    const examples = new Set([...q.positives, ...q.negatives].map((p) => p.id));
    const byUser = new Map<string, Array<{ photo: CandidatePhoto; score: number; look: number }>>();
    for (const c of candidates) {
      if (examples.has(c.photoId)) continue;
      const look = dot(c.embedding, target);
      const attr = scoreAttributes(this.schema, profile, c.attributes, q.gamma);
      const score = PHOTO_EMBEDDING_WEIGHT * ((look + 1) / 2) + (1 - PHOTO_EMBEDDING_WEIGHT) * attr.score;
      const list = byUser.get(c.userId) ?? [];
      list.push({ photo: c, score, look });
      byUser.set(c.userId, list);
    }
    const ranked = [...byUser].map(([userId, photos]) => ({
      userId,
      photos: photos.sort((a, b) => b.score - a.score || a.photo.photoId.localeCompare(b.photo.photoId)),
      score: aggregate(
        photos.map((p) => p.score),
        q.aggregation,
      ),
    }));
    ranked.sort((a, b) => b.score - a.score || a.userId.localeCompare(b.userId));
    return ranked.slice(0, q.k).map((r) => {
      const best = r.photos[0];
      const attr = scoreAttributes(this.schema, profile, best.photo.attributes, q.gamma);
      return {
        userId: r.userId,
        matchScore: round(r.score),
        bestPhotoId: best.photo.photoId,
        photoScores: r.photos.map((p) => ({ photoId: p.photo.photoId, score: round(p.score) })),
        explanation: explain(this.schema, profile, attr.contributions, best.look),
      };
    });
  }
}
