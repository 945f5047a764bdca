import { InitBilling1763712000000 } from './1763712000000-init-billing';

/** Every migration of the billing schema, in order. */
export const BILLING_MIGRATIONS = [InitBilling1763712000000];
