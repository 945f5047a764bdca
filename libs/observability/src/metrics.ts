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

export const httpRequests = new Counter({
  name: 'atelier_http_requests_total',
  help: 'HTTP requests answered, by method, matched route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestSeconds = new Histogram({
  name: 'atelier_http_request_seconds',
  help: 'Time from request to the last byte of the response, by method and matched route',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const outboxUnpublished = new Gauge({
  name: 'atelier_outbox_unpublished',
  help: 'Rows of the service outbox not yet published, read from SQL at scrape time',
  registers: [metricsRegistry],
});

export const outboxLagSeconds = new Gauge({
  name: 'atelier_outbox_lag_seconds',
  help: 'Age of the oldest unpublished outbox row (0 when the outbox is drained), read from SQL at scrape time',
  registers: [metricsRegistry],
});

export const metricProbeErrors = new Counter({
  name: 'atelier_metric_probe_errors_total',
  help: 'Scrape-time SQL probes that failed (their gauges keep the last value)',
  labelNames: ['probe'] as const,
  registers: [metricsRegistry],
});

export const sagaInFlight = new Gauge({
  name: 'atelier_saga_in_flight',
  help: 'Generations not yet completed, failed or rejected (gateway read model)',
  registers: [metricsRegistry],
});

export const sagaOldestInFlightSeconds = new Gauge({
  name: 'atelier_saga_oldest_in_flight_seconds',
  help: 'Age of the oldest generation not yet completed, failed or rejected (0 when none)',
  registers: [metricsRegistry],
});

export const sagaFinishedRecent = new Gauge({
  name: 'atelier_saga_finished_recent',
  help: 'Generations that ended in the last 10 minutes, by final status (gateway read model)',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

export const sagaDurationRecentSeconds = new Gauge({
  name: 'atelier_saga_duration_recent_seconds',
  help: 'Quantiles of request-to-completion time of generations completed in the last 10 minutes',
  labelNames: ['quantile'] as const,
  registers: [metricsRegistry],
});

export const ledgerAuditInconsistencies = new Gauge({
  name: 'atelier_ledger_audit_inconsistencies',
  help: 'Findings of the last billing ledger audit, by kind (all 0 when the ledger is consistent)',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const ledgerAuditLastRun = new Gauge({
  name: 'atelier_ledger_audit_last_run_timestamp_seconds',
  help: 'Unix time the last billing ledger audit finished',
  registers: [metricsRegistry],
});

export const sagaWorkSkipped = new Counter({
  name: 'atelier_saga_work_skipped_total',
  help: 'Saga work skipped because its generation had already failed (cancelled or timed out), by step and checkpoint',
  labelNames: ['step', 'checkpoint'] as const,
  registers: [metricsRegistry],
});

export const lateCompletions = new Counter({
  name: 'atelier_billing_late_completions_total',
  help: 'Completions that arrived after their reservation had ended (expired, cancelled, released): never charged',
  registers: [metricsRegistry],
});
