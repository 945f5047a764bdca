/** One nearest neighbour: the caller's id and the inner product with the query (higher is closer). */
export interface VectorHit {
  id: string;
  score: number;
}

/**
 * What an upsert did: a new entry; an entry re-inserted into a graph; an entry whose stored vector was replaced
 * in place (for a graph: without relinking, see HnswOptions.relinkDistance); or nothing (the same vector).
 */
export type UpsertOutcome = 'added' | 'relinked' | 'moved' | 'unchanged';

export interface SearchOptions {
  /** Ids that must not be returned (already bought, disliked, the query item itself). */
  exclude?: ReadonlySet<string>;
}

/**
 * Port for k-nearest-neighbour search by inner product. Vectors are expected L2-normalised, so the score
 * is the cosine similarity. Implementations: exact scan (the reference), in-process HNSW, pgvector.
 */
export abstract class VectorIndex {
  abstract readonly kind: string;
  abstract readonly dimensions: number;
  abstract size(): number;
  abstract has(id: string): boolean;
  /** Adds the vector or replaces the one stored under the id. */
  abstract upsert(id: string, vector: Float32Array): UpsertOutcome;
  abstract remove(id: string): boolean;
  /** Ids currently stored (to reconcile the index with its source of truth). */
  abstract storedIds(): IterableIterator<string>;
  abstract search(query: Float32Array, k: number, options?: SearchOptions): VectorHit[];
  /** Writes the index to a file so a restart need not rebuild it. */
  abstract save(path: string): Promise<void>;
}

export class DimensionMismatchError extends Error {
  constructor(expected: number, got: number) {
    super(`vector has ${got} dimensions, the index ${expected}`);
  }
}

export function assertDimensions(expected: number, vector: Float32Array): void {
  if (vector.length !== expected) throw new DimensionMismatchError(expected, vector.length);
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i] *= inv;
  }
  return vector;
}

export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[bOffset + i];
  return s;
}
