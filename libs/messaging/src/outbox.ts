import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EVENTS, create, toBinary, type EventType, type MessageInitShape } from '@atelier/contracts';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { newEnvelope, type EventEnvelope } from './envelope';
import { activeTraceCarrier, type TraceCarrier } from './trace-context';

/** Marks a query runner whose transaction wrote to the outbox. */
export const OUTBOX_WRITTEN = 'atelier.outboxWritten';

export type EventInit<T extends EventType> = MessageInitShape<(typeof EVENTS)[T]['schema']>;

export interface CausalIds {
  correlationId: string;
  /** Event id that caused this one; defaults to the correlation id for events caused by a user request. */
  causationId?: string;
}

/**
 * Records an event in the service's outbox inside the caller's transaction, so the state change
 * and its announcement commit together. The relay publishes it after commit.
 */
@Injectable()
export class Outbox {
  private readonly schema: string;
  private readonly producer: string;
  private readonly traced: boolean;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.schema = config.database.schema;
    this.producer = config.service;
    this.traced = config.tracing.enabled;
  }

  async add<T extends EventType>(
    manager: EntityManager,
    type: T,
    payload: EventInit<T>,
    ids: CausalIds,
  ): Promise<EventEnvelope> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.add must run inside a transaction');
    }
    const envelope = newEnvelope(type, this.producer, ids.correlationId, ids.causationId);
    const schema = EVENTS[type].schema;
    // The generic schema/init pairing is sound by construction of EVENTS.
    const body = toBinary(schema, create(schema, payload as never));
    // The trace of the request or message that caused this event rests with the row, so the relay publishes it
    // later as part of the same trace.
    const trace: TraceCarrier = this.traced ? activeTraceCarrier() : {};
    await manager.query(
      `INSERT INTO "${this.schema}".outbox
         (id, type, payload, correlation_id, causation_id, version, occurred_at, traceparent, tracestate)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        envelope.eventId,
        type,
        Buffer.from(body),
        envelope.correlationId,
        envelope.causationId,
        envelope.version,
        envelope.occurredAt,
        trace.traceparent ?? null,
        trace.tracestate ?? null,
      ],
    );
    // The relay is woken after this transaction commits (see OutboxRelay). Not NOTIFY: a NOTIFY inside the
    // transaction takes a database-wide lock at commit and serialises every committing writer.
    manager.queryRunner.data[OUTBOX_WRITTEN] = true;
    return envelope;
  }
}
