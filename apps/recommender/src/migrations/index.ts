import { InitRecommender1763712000000 } from './1763712000000-init-recommender';

/** Every migration of the recommender schema, in order. */
export const RECOMMENDER_MIGRATIONS = [InitRecommender1763712000000];
