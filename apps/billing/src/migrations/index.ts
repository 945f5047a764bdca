import { InitBilling1763712000000 } from './1763712000000-init-billing';
import { PlansLedgerSubscriptions1763740000000 } from './1763740000000-plans-ledger-subscriptions';

/** Every migration of the billing schema, in order. */
export const BILLING_MIGRATIONS = [InitBilling1763712000000, PlansLedgerSubscriptions1763740000000];
