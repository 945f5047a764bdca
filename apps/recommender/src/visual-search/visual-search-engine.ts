import { dppGreedy, qualityDiversityKernel } from '@atelier/diversity';
import type { AttributeSchema } from '../attributes/attribute-schema';
import { buildAttributeProfile, scoreAttributes, type AttributeReading } from './attribute-profile';
import { explain, type Explanation } from './explanation';
import type { CandidateSearchStats, HardFilters, VisualCatalogIndex } from './visual-catalog-index';

export const SEARCH_STRATEGIES = ['discriminative', 'average_vector', 'best_score'] as const;
export type SearchStrategy = (typeof SEARCH_STRATEGIES)[number];
/** The strategy of a search that names none: the best with dislikes on the dev split (`npm run eval:visual-search`). */
export const DEFAULT_STRATEGY: SearchStrategy = 'discriminative';

export interface ExamplePhoto {
  id: string;
  embedding: Float32Array;
  attributes: AttributeReading[];
}

export interface VisualQuery {
  positives: ExamplePhoto[];
  negatives: ExamplePhoto[];
  filters?: HardFilters;
  k: number;
  strategy: SearchStrategy;
  /** Rocchio weight of the negatives (γ); 0 = positives only. */
  gamma: number;
  /** Apply the relevance threshold (default true); evaluation of pure ranking turns it off. */
  threshold?: boolean;
  /** Pick the final k with a DPP over the reranked pool (default true). */
  diversify?: boolean;
  /** Share of the embedding in the match score (default EMBEDDING_WEIGHT; the rest is attribute agreement). */
  embeddingWeight?: number;
}

export interface VisualMatch {
  id: string;
  ownerId: string;
  matchScore: number;
  embeddingScore: number;
  attributeScore: number;
  explanation: Explanation;
}

export interface VisualSearchResult {
  matched: VisualMatch[];
  /** The score a match had to reach (from the background distribution); 0 when the threshold is off. */
  threshold: number;
  /** True when candidates existed but none cleared the threshold. */
  noGoodMatch: boolean;
  candidates: number;
  plan: CandidateSearchStats['plan'];
}

/** Blend of embedding and attribute agreement in the match score. */
export const EMBEDDING_WEIGHT = 0.5;
/**
 * The blend when the trained metric head ranks: its space already encodes type and colour, and the extractors'
 * attribute agreement only added noise on the dev split (eval:visual-search sweep: P@10 0.31 at 1 vs 0.20 at 0.5).
 */
export const HEAD_EMBEDDING_WEIGHT = 1;
const BACKGROUND_SAMPLE = 200;
const BACKGROUND_QUANTILE = 0.95;
const MIN_MARGIN = 0.03;
const DPP_SHARPNESS = 6;

function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  if (s > 0) for (let i = 0; i < v.length; i++) v[i] /= Math.sqrt(s);
  return v;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function mean(vectors: Float32Array[], d: number): Float32Array {
  const out = new Float32Array(d);
  for (const v of vectors) for (let i = 0; i < d; i++) out[i] += v[i] / vectors.length;
  return out;
}

/** Rocchio target: α·avg(positives) − γ·avg(negatives), unit length (α = 1). */
export function rocchioTarget(
  positives: Float32Array[],
  negatives: Float32Array[],
  gamma: number,
  d: number,
): Float32Array {
  const p = mean(positives, d);
  if (negatives.length && gamma > 0) {
    const n = mean(negatives, d);
    for (let i = 0; i < d; i++) p[i] -= gamma * n[i];
  }
  return normalize(p);
}

/** Prior strength of the discriminative model: how far the fitted direction may leave the positives' mean. */
export const DISCRIMINATIVE_LAMBDA = 1;
/** Length of the prior weight vector (the mean positive direction): logits of the prior alone are ±PRIOR_SCALE·cos. */
const PRIOR_SCALE = 8;

/**
 * Query-time linear classifier over the example embeddings: L2-regularised logistic regression of liked (1) vs
 * disliked (0) photos, class-balanced, with a Gaussian prior centred on PRIOR_SCALE · the positives' mean direction
 * (so with few or no negatives it is the `average_vector` target, and the negatives only move it along the
 * directions that actually separate them from the positives). Returns the unit direction to rank by.
 */
export function discriminativeTarget(
  positives: Float32Array[],
  negatives: Float32Array[],
  d: number,
  lambda = DISCRIMINATIVE_LAMBDA,
): Float32Array {
  const prior = normalize(mean(positives, d));
  if (negatives.length === 0 || positives.length === 0) return prior;
  for (let i = 0; i < d; i++) prior[i] *= PRIOR_SCALE;
  const w = Float32Array.from(prior);
  let b = 0;
  const xs = [...positives, ...negatives];
  const ys = xs.map((_, i) => (i < positives.length ? 1 : 0));
  const cw = xs.map((_, i) => (i < positives.length ? 0.5 / positives.length : 0.5 / negatives.length));
  const g = new Float32Array(d);
  // Convex and small (≤ 10 points): plain gradient descent converges well within these steps.
  for (let it = 0; it < 300; it++) {
    g.fill(0);
    let gb = 0;
    for (let j = 0; j < xs.length; j++) {
      const p = 1 / (1 + Math.exp(-(dot(w, xs[j]) + b)));
      const r = cw[j] * (p - ys[j]);
      gb += r;
      for (let i = 0; i < d; i++) g[i] += r * xs[j][i];
    }
    const lr = 2;
    for (let i = 0; i < d; i++) w[i] -= lr * (g[i] + (lambda / PRIOR_SCALE ** 2) * (w[i] - prior[i]));
    b -= lr * gb;
  }
  return normalize(w);
}

/**
 * Visual search from liked and disliked example photos: candidates from the vector index under hard filters,
 * reranked by embedding similarity to the target (`discriminative`: a query-time logistic regression of liked vs
 * disliked, Rocchio `average_vector`, or `best_score`: closest positive versus closest negative) blended with fuzzy attribute agreement, a per-query relevance threshold from a background
 * sample's score distribution, a DPP over the survivors against near-duplicates, and an explanation per match.
 */
export class VisualSearchEngine {
  constructor(
    private readonly schema: AttributeSchema,
    private readonly catalog: VisualCatalogIndex,
  ) {}

  search(q: VisualQuery): VisualSearchResult {
    const d = this.catalog.dimensions;
    const exclude = new Set([...q.positives, ...q.negatives].map((p) => p.id));
    const allowed = this.catalog.allowed(q.filters);
    const poolSize = Math.max(100, 10 * q.k);
    const posVecs = q.positives.map((p) => p.embedding);
    const negVecs = q.negatives.map((p) => p.embedding);
    const target =
      q.strategy === 'discriminative'
        ? discriminativeTarget(posVecs, q.gamma > 0 ? negVecs : [], d)
        : rocchioTarget(posVecs, negVecs, q.gamma, d);
    const single = q.strategy !== 'best_score';

    // Candidate pool, searched with the filters inside.
    const pool = new Set<string>();
    let plan: CandidateSearchStats['plan'] = 'index';
    const queries = single ? [target] : posVecs;
    const perQuery = single ? poolSize : Math.ceil(poolSize / posVecs.length) + q.k;
    for (const query of queries) {
      const { hits, stats } = this.catalog.candidates(query, perQuery, allowed, exclude);
      plan = stats.plan;
      for (const h of hits) pool.add(h.id);
    }

    const profile = buildAttributeProfile(
      this.schema,
      q.positives.map((p) => p.attributes),
      q.negatives.map((p) => p.attributes),
    );
    const embeddingScore = (v: Float32Array): number => {
      if (single) return dot(v, target);
      // best_score (as in Qdrant's recommend API): the closest positive if it beats the closest negative, else
      // minus the closest negative.
      const bp = Math.max(...posVecs.map((p) => dot(v, p)));
      const bn = negVecs.length && q.gamma > 0 ? Math.max(...negVecs.map((n) => dot(v, n))) : -Infinity;
      return bp >= bn ? bp : -bn;
    };
    const gamma = q.gamma;
    const ew = q.embeddingWeight ?? EMBEDDING_WEIGHT;
    const score = (id: string) => {
      const photo = this.catalog.get(id);
      if (!photo) return undefined;
      const emb = embeddingScore(photo.embedding);
      const attr = scoreAttributes(this.schema, profile, photo.attributes, gamma);
      const match = ew * ((emb + 1) / 2) + (1 - ew) * attr.score;
      return { photo, emb, attr, match };
    };

    const scored = [...pool].map(score).filter((s): s is NonNullable<typeof s> => s !== undefined);
    scored.sort((a, b) => b.match - a.match || a.photo.id.localeCompare(b.photo.id));

    // Relevance threshold from the background: a match must beat BACKGROUND_QUANTILE of random allowed items
    // and clear their median by MIN_MARGIN (so a catalogue where everything is equally (ir)relevant has no good
    // match). Quantiles, not mean + z·σ: the relevant items may be a sizeable minority and widen the spread.
    let threshold = 0;
    if (q.threshold !== false) {
      const background = this.catalog
        .sample(BACKGROUND_SAMPLE, allowed)
        .filter((id) => !exclude.has(id))
        .map((id) => score(id)?.match)
        .filter((m): m is number => m !== undefined);
      if (background.length >= 10) {
        threshold = Math.max(quantile(background, BACKGROUND_QUANTILE), quantile(background, 0.5) + MIN_MARGIN);
      }
    }
    const relevant = scored.filter((s) => s.match >= threshold).slice(0, Math.max(3 * q.k, q.k));

    let chosen = relevant.slice(0, q.k);
    if (q.diversify !== false && relevant.length > q.k) {
      const { L } = qualityDiversityKernel(
        relevant.map((s) => Math.exp(DPP_SHARPNESS * s.match)),
        relevant.map((s) => s.photo.embedding),
      );
      chosen = dppGreedy(L, relevant.length, q.k)
        .selected.map((i) => relevant[i])
        .sort((a, b) => b.match - a.match);
    }
    return {
      matched: chosen.map((s) => ({
        id: s.photo.id,
        ownerId: s.photo.ownerId,
        matchScore: round(s.match),
        embeddingScore: round(s.emb),
        attributeScore: round(s.attr.score),
        explanation: explain(this.schema, profile, s.attr.contributions, dot(s.photo.embedding, target)),
      })),
      threshold: round(threshold),
      noGoodMatch: scored.length > 0 && relevant.length === 0,
      candidates: scored.length,
      plan,
    };
  }
}

const round = (x: number) => Math.round(x * 10000) / 10000;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}
