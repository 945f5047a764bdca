import { InitGateway1763712000000 } from './1763712000000-init-gateway';
import { GenerationJudging1763770000001 } from './1763770000001-generation-judging';
import { Accounts1763730000000 } from './1763730000000-accounts';
import { ShopRole1763800000000 } from './1763800000000-shop-role';
import { GenerationIdempotencyKeys1763900000000 } from './1763900000000-generation-idempotency-keys';
import { IdempotentResponses1764000000100 } from './1764000000100-idempotent-responses';
import { AccountRecovery1764300000031 } from './1764300000031-account-recovery';
import { GenerationDeletion1764600017301 } from './1764600017301-generation-deletion';
import { OutboxTraceContext1796690928178 } from './1796690928178-outbox-trace-context';

/** Every migration of the gateway schema, in order. */
export const GATEWAY_MIGRATIONS = [
  InitGateway1763712000000,
  Accounts1763730000000,
  GenerationJudging1763770000001,
  ShopRole1763800000000,
  GenerationIdempotencyKeys1763900000000,
  IdempotentResponses1764000000100,
  AccountRecovery1764300000031,
  GenerationDeletion1764600017301,
  OutboxTraceContext1796690928178,
];
