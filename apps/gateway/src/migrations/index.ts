import { InitGateway1763712000000 } from './1763712000000-init-gateway';
import { GenerationJudging1763770000001 } from './1763770000001-generation-judging';

/** Every migration of the gateway schema, in order. */
export const GATEWAY_MIGRATIONS = [InitGateway1763712000000, GenerationJudging1763770000001];
