import { randomUUID } from 'node:crypto';
import type { ConsumeMessage, Options } from 'amqplib';
import { EVENTS, isEventType, type EventType } from '@atelier/contracts';

export interface EventEnvelope {
  eventId: string;
  type: EventType;
  version: number;
  correlationId: string;
  causationId: string;
  producer: string;
  occurredAt: string;
}

export const HEADERS = {
  version: 'x-event-version',
  causationId: 'x-causation-id',
  occurredAt: 'x-occurred-at',
  attempt: 'x-attempt',
  lastError: 'x-last-error',
  failureReason: 'x-failure-reason',
  failureClass: 'x-failure-class',
  attempts: 'x-attempts',
  originalType: 'x-original-type',
  failedBy: 'x-failed-by',
} as const;

export class EnvelopeError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newEnvelope(
  type: EventType,
  producer: string,
  correlationId: string,
  causationId?: string,
): EventEnvelope {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    version: EVENTS[type].version,
    correlationId,
    causationId: causationId ?? correlationId,
    producer,
    occurredAt: new Date().toISOString(),
  };
}

export function envelopeToPublishOptions(envelope: EventEnvelope): Options.Publish {
  return {
    persistent: true,
    contentType: 'application/x-protobuf',
    messageId: envelope.eventId,
    type: envelope.type,
    correlationId: envelope.correlationId,
    appId: envelope.producer,
    timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
    headers: {
      [HEADERS.version]: envelope.version,
      [HEADERS.causationId]: envelope.causationId,
      [HEADERS.occurredAt]: envelope.occurredAt,
    },
  };
}

/** Reads and checks the envelope of a delivered message; throws EnvelopeError when it is not one of ours. */
export function envelopeFromMessage(msg: ConsumeMessage): EventEnvelope {
  const p = msg.properties;
  const headers = (p.headers ?? {}) as Record<string, unknown>;
  const type = typeof p.type === 'string' ? p.type : '';
  if (!isEventType(type)) throw new EnvelopeError(`unknown event type "${type}"`);
  if (typeof p.messageId !== 'string' || !UUID.test(p.messageId))
    throw new EnvelopeError('missing or invalid messageId');
  if (typeof p.correlationId !== 'string' || p.correlationId.length === 0)
    throw new EnvelopeError('missing correlationId');
  const version = Number(headers[HEADERS.version]);
  if (version !== EVENTS[type].version)
    throw new EnvelopeError(`unsupported ${type} version ${String(headers[HEADERS.version])}`);
  return {
    eventId: p.messageId,
    type,
    version,
    correlationId: p.correlationId,
    causationId: String(headers[HEADERS.causationId] ?? p.correlationId),
    producer: typeof p.appId === 'string' ? p.appId : 'unknown',
    occurredAt: String(headers[HEADERS.occurredAt] ?? ''),
  };
}

export const attemptOf = (msg: ConsumeMessage): number => {
  const n = Number((msg.properties.headers ?? {})[HEADERS.attempt] ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
};
