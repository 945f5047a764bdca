import type { Channel } from 'amqplib';

export interface TopologyNames {
  exchange: string;
  queue: string;
  deadLetterQueue: string;
  retryQueue(attempt: number): string;
}

export const topologyNames = (namespace: string, service: string): TopologyNames => ({
  exchange: `${namespace}.events`,
  queue: `${namespace}.${service}`,
  deadLetterQueue: `${namespace}.${service}.dlq`,
  retryQueue: (attempt: number) => `${namespace}.${service}.retry.${attempt}`,
});

/** Delay before the given retry attempt (1-based): base, 2·base, 4·base, … */
export const retryDelayMs = (baseDelayMs: number, attempt: number): number => baseDelayMs * 2 ** (attempt - 1);

/** Deliveries after which the broker itself dead-letters a message that keeps crashing its consumer. */
export const BROKER_DELIVERY_LIMIT = 20;

export interface TopologyOptions {
  names: TopologyNames;
  routingKeys: readonly string[];
  retryMaxAttempts: number;
  retryBaseDelayMs: number;
}

/** Topic exchange for all events. Idempotent: every service declares what it needs on (re)connect. */
export async function declareExchange(channel: Channel, names: TopologyNames): Promise<void> {
  await channel.assertExchange(names.exchange, 'topic', { durable: true });
}

/**
 * One durable quorum queue per consuming service bound by routing key, a delay queue per retry
 * attempt (queue-level TTL, so a long delay never holds up a short one) that dead-letters back
 * into the service queue, and a dead-letter queue for messages given up on.
 */
export async function declareServiceQueues(channel: Channel, options: TopologyOptions): Promise<void> {
  const { names } = options;
  await declareExchange(channel, names);
  await channel.assertQueue(names.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(names.queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': BROKER_DELIVERY_LIMIT,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.deadLetterQueue,
    },
  });
  for (const key of options.routingKeys) await channel.bindQueue(names.queue, names.exchange, key);
  for (let attempt = 1; attempt < options.retryMaxAttempts; attempt++) {
    await channel.assertQueue(names.retryQueue(attempt), {
      durable: true,
      arguments: {
        'x-message-ttl': retryDelayMs(options.retryBaseDelayMs, attempt),
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': names.queue,
      },
    });
  }
}
