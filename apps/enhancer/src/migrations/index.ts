import { InitEnhancer1763712000000 } from './1763712000000-init-enhancer';

/** Every migration of the enhancer schema, in order. */
export const ENHANCER_MIGRATIONS = [InitEnhancer1763712000000];
