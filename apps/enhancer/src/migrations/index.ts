import { InitEnhancer1763712000000 } from './1763712000000-init-enhancer';
import { BrandProfilesPolicy1763750000000 } from './1763750000000-brand-profiles-policy';

/** Every migration of the enhancer schema, in order. */
export const ENHANCER_MIGRATIONS = [InitEnhancer1763712000000, BrandProfilesPolicy1763750000000];
