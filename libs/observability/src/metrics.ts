import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; the /metrics endpoint serves it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const messagesConsumed = new Counter({
  name: 'atelier_messages_consumed_total',
  help: 'Messages taken from the service queue, by event type and outcome',
  labelNames: ['event', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const messageHandleSeconds = new Histogram({
  name: 'atelier_message_handle_seconds',
  help: 'Time from delivery to ack, by event type',
  labelNames: ['event'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const outboxPublished = new Counter({
  name: 'atelier_outbox_published_total',
  help: 'Events relayed from the outbox to the broker and confirmed',
  labelNames: ['event'] as const,
  registers: [metricsRegistry],
});

export const outboxPending = new Gauge({
  name: 'atelier_outbox_pending',
  help: 'Outbox rows not yet confirmed by the broker after the last relay pass',
  registers: [metricsRegistry],
});
