import { InitGateway1763712000000 } from './1763712000000-init-gateway';

/** Every migration of the gateway schema, in order. */
export const GATEWAY_MIGRATIONS = [InitGateway1763712000000];
