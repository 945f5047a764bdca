export { runWithMessageContext, currentMessageContext, type MessageContext } from './message-context';
export { createLogger, NestPinoLogger } from './logger';
export { startTracing, shutdownTracing, activeTraceIds } from './tracing';
export {
  metricsRegistry,
  messagesConsumed,
  messageHandleSeconds,
  outboxPublished,
  outboxPending,
  httpRequests,
  httpRequestSeconds,
  outboxUnpublished,
  outboxLagSeconds,
  metricProbeErrors,
  sagaInFlight,
  sagaOldestInFlightSeconds,
  sagaFinishedRecent,
  sagaDurationRecentSeconds,
  ledgerAuditInconsistencies,
  ledgerAuditLastRun,
  sagaWorkSkipped,
  lateCompletions,
} from './metrics';
export type { Logger } from 'pino';
