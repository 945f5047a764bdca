import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import type { EntityManager } from 'typeorm';
import type { EventType } from '@atelier/contracts';
import type { EventEnvelope } from './envelope';
import type { EventInit } from './outbox';

/**
 * The phases of one event type's handling, chosen by `@EventPattern(type, { phase })`:
 * - `prepare` (optional): slow, side-effect-free work (inference, downloads) BEFORE the transaction opens; skipped
 *   when a read-only inbox check finds the event already processed. Its result is `ctx.prepared` in `handle`.
 * - `handle` (default, exactly one per type and service): runs in the inbox transaction; `ctx.manager`, `ctx.emit`.
 * - `giveUp` (optional): once, when the message is given up on (fatal error or retries exhausted), in its own
 *   inbox transaction before dead-lettering: the place for a compensating event. `ctx.failure` says why.
 */
export type EventPhase = 'prepare' | 'handle' | 'giveUp';

/** `@EventPattern` extras the mesh transport reads. */
export interface MeshEventExtras {
  phase?: EventPhase;
}

export interface GiveUpReason {
  code: string;
  message: string;
  failureClass: 'fatal' | 'transient';
  attempts: number;
}

/** What the transaction of a `handle` or `giveUp` phase offers. */
export interface EventTransaction {
  manager: EntityManager;
  emit<T extends EventType>(type: T, payload: EventInit<T>): Promise<void>;
  afterCommit(effect: () => Promise<void> | void): void;
}

/** What domain services get from an event handler: the envelope, the attempt and the inbox transaction. */
export interface EventContext {
  envelope: EventEnvelope;
  /** 1 on first delivery, incremented on each retry. */
  attempt: number;
  /** The transaction the inbox record commits in; write the handler's effects with it. */
  manager: EntityManager;
  /** Adds an event to the outbox in this transaction, caused by the event being handled. */
  emit<T extends EventType>(type: T, payload: EventInit<T>): Promise<void>;
  /** Runs `effect` once this transaction has committed (never if it rolls back), before the message is acked. */
  afterCommit(effect: () => Promise<void> | void): void;
}

/**
 * The `@Ctx()` of an event handler: the delivered message and its envelope, the attempt, and — in the
 * `handle`/`giveUp` phases — the transaction the inbox record commits in.
 */
export class MeshEventContext<P = unknown>
  extends BaseRpcContext<[ConsumeMessage, EventEnvelope]>
  implements EventContext
{
  constructor(
    message: ConsumeMessage,
    readonly envelope: EventEnvelope,
    /** 1 on first delivery, incremented on each retry. */
    readonly attempt: number,
    readonly phase: EventPhase,
    private readonly tx?: EventTransaction,
    private readonly preparedValue?: P,
    private readonly failureReason?: GiveUpReason,
  ) {
    super([message, envelope]);
  }

  /** What the `prepare` phase returned (undefined without one). */
  get prepared(): P {
    return this.preparedValue as P;
  }

  /** Why the message is given up on; only in the `giveUp` phase. */
  get failure(): GiveUpReason {
    if (!this.failureReason) throw new Error(`no failure in the ${this.phase} phase`);
    return this.failureReason;
  }

  getMessage(): ConsumeMessage {
    return this.args[0];
  }

  private transaction(): EventTransaction {
    if (!this.tx) throw new Error(`no transaction is open in the ${this.phase} phase`);
    return this.tx;
  }

  /** The transaction the inbox record commits in; write the handler's effects with it. */
  get manager(): EntityManager {
    return this.transaction().manager;
  }

  /** Adds an event to the outbox in this transaction, caused by the event being handled. */
  emit<T extends EventType>(type: T, payload: EventInit<T>): Promise<void> {
    return this.transaction().emit(type, payload);
  }

  /**
   * Runs `effect` once this transaction has committed (never if it rolls back), before the message is acked.
   * For signals that must not hold locks inside the transaction (e.g. a NOTIFY); failures are logged, not retried.
   */
  afterCommit(effect: () => Promise<void> | void): void {
    this.transaction().afterCommit(effect);
  }
}

/** The `@Ctx()` of a `@MessagePattern` (request/reply) handler. */
export class RequestContext extends BaseRpcContext<[ConsumeMessage]> {
  constructor(
    message: ConsumeMessage,
    readonly rpc: string,
    readonly correlationId: string,
  ) {
    super([message]);
  }

  getMessage(): ConsumeMessage {
    return this.args[0];
  }
}
