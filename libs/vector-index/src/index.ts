export {
  VectorIndex,
  DimensionMismatchError,
  normalize,
  dot,
  assertDimensions,
  type VectorHit,
  type SearchOptions,
  type UpsertOutcome,
} from './vector-index';
export { ExactVectorIndex } from './exact-vector-index';
export {
  HnswVectorIndex,
  DEFAULT_HNSW_OPTIONS,
  HNSW_QUANTIZATIONS,
  resolveHnswOptions,
  type HnswOptions,
  type HnswQuantization,
} from './hnsw-vector-index';
export { TopK } from './top-k';
export { recallAtK, randomUnitVectors } from './recall';
export {
  PgVectorIndex,
  toVectorLiteral,
  type AsyncVectorIndex,
  type SqlClient,
  type PgVectorMetric,
  type PgVectorOptions,
  type PgIterativeScan,
  type PgSearchOptions,
} from './pgvector-index';
