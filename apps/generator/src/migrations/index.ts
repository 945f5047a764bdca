import { InitGenerator1763712000000 } from './1763712000000-init-generator';

/** Every migration of the generator schema, in order. */
export const GENERATOR_MIGRATIONS = [InitGenerator1763712000000];
