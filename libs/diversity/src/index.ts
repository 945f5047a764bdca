// Diversity selection with determinantal point processes (greedy MAP, Chen et al. 2018).
export {
  dppGreedy,
  qualityDiversityKernel,
  diversityScore,
  coverage,
  logDeterminant,
  type Kernel,
  type DppSelection,
} from './dpp';
