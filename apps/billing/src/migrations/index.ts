import { InitBilling1763712000000 } from './1763712000000-init-billing';
import { PlansLedgerSubscriptions1763740000000 } from './1763740000000-plans-ledger-subscriptions';
import { Refunds1764500000017 } from './1764500000017-refunds';
import { SagaInactivityDeadlines1764100000021 } from './1764100000021-saga-inactivity-deadlines';
import { OutboxTraceContext1796690928179 } from './1796690928179-outbox-trace-context';

/** Every migration of the billing schema, in order. */
export const BILLING_MIGRATIONS = [
  InitBilling1763712000000,
  PlansLedgerSubscriptions1763740000000,
  Refunds1764500000017,
  SagaInactivityDeadlines1764100000021,
  OutboxTraceContext1796690928179,
];
