import type { ServiceConfig } from '@atelier/config';
import { EVENTS, RPCS, type EventType, type RpcName } from '@atelier/contracts';

/** Every service connects to the broker as a user of its own: `<namespace>-<service>` (see npm run broker:setup). */
export const brokerUserOf = (namespace: string, service: string): string => `${namespace}-${service}`;

/** The broker users allowed to publish an event type: its declared producers'. */
export const producerUsers = (namespace: string, type: EventType): string[] =>
  EVENTS[type].producers.map((s) => brokerUserOf(namespace, s));

/** The broker users allowed to make a call: its declared callers'. */
export const callerUsers = (namespace: string, name: RpcName): string[] =>
  RPCS[name].callers.map((s) => brokerUserOf(namespace, s));

/**
 * Whoever holds a shared or default broker login can publish as every service: production refuses to start unless
 * the service logs in as its own broker user.
 */
export function assertOwnBrokerUser(config: ServiceConfig): void {
  if (config.nodeEnv !== 'production') return;
  const own = brokerUserOf(config.messaging.namespace, config.service);
  if (config.messaging.brokerUser !== own) {
    throw new Error(
      `AMQP_URL logs in as "${config.messaging.brokerUser}": in production ${config.service} must use its own broker user "${own}" (npm run broker:setup)`,
    );
  }
}
