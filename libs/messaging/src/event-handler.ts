import { DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { EventPayload, EventType } from '@atelier/contracts';
import type { EventEnvelope } from './envelope';
import type { EventInit } from './outbox';

/** What a handler gets besides the payload: the envelope, its transaction, and a way to emit follow-up events. */
export interface EventContext {
  envelope: EventEnvelope;
  /** 1 on first delivery, incremented on each retry. */
  attempt: number;
  /** The transaction the inbox record commits in; write the handler's effects with it. */
  manager: EntityManager;
  /** Adds an event to the outbox in this transaction, caused by the event being handled. */
  emit<T extends EventType>(type: T, payload: EventInit<T>): Promise<void>;
  /**
   * Runs `effect` once this transaction has committed (never if it rolls back), before the message is acked.
   * For signals that must not hold locks inside the transaction (e.g. a NOTIFY); failures are logged, not retried.
   */
  afterCommit(effect: () => Promise<void> | void): void;
}

/** What `prepare` gets: the envelope and attempt, but no transaction (none is open yet). */
export interface PrepareContext {
  envelope: EventEnvelope;
  attempt: number;
}

/**
 * Handles one event type for its service. Runs inside a transaction together with the inbox record,
 * so a redelivered event is a no-op. Throw `FatalError` (or a 4xx `BackendHttpError`) for failures that
 * retrying cannot fix; anything else is retried with backoff.
 *
 * Slow work (model inference, downloads) belongs in `prepare`, which runs BEFORE the transaction opens,
 * so no database connection is held while it computes. The consumer skips `prepare` for an event the
 * inbox already holds (read-only check); the inbox insert inside the transaction still decides, so if a
 * concurrent delivery committed first, `handle` is not called and the prepared result is discarded.
 * `prepare` must have no side effects that matter if its result is thrown away.
 */
export interface EventHandler<T extends EventType = EventType, P = undefined> {
  prepare?(payload: EventPayload<T>, ctx: PrepareContext): Promise<P>;
  handle(payload: EventPayload<T>, ctx: EventContext, prepared: P): Promise<void>;
  /**
   * Runs once when the message is given up on (fatal error or retries exhausted), before it is
   * dead-lettered, in its own transaction: the place to emit a compensating event such as generation.failed.
   */
  onGiveUp?(payload: EventPayload<T>, failure: GiveUpReason, ctx: EventContext): Promise<void>;
}

export interface GiveUpReason {
  code: string;
  message: string;
  failureClass: 'fatal' | 'transient';
  attempts: number;
}

/** Marks a provider as the service's handler of one event type; its queue is bound to that routing key. */
export const HandlesEvent = DiscoveryService.createDecorator<EventType>();
