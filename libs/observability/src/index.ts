export { runWithMessageContext, currentMessageContext, type MessageContext } from './message-context';
export { createLogger, NestPinoLogger } from './logger';
export { metricsRegistry, messagesConsumed, messageHandleSeconds, outboxPublished, outboxPending } from './metrics';
export type { Logger } from 'pino';
