import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConsumeMessage } from 'amqplib';
import { DataSource, type EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { EVENTS, fromBinary, type EventType } from '@atelier/contracts';
import { messageHandleSeconds, messagesConsumed, runWithMessageContext } from '@atelier/observability';
import { AmqpConnection } from './amqp-connection';
import { HEADERS, attemptOf, envelopeFromMessage, type EventEnvelope } from './envelope';
import { HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from './event-handler';
import { EventPublisher } from './event-publisher';
import { classifyFailure, describeError, failureCode } from './failures';
import { Outbox } from './outbox';
import { declareServiceQueues, topologyNames, type TopologyNames } from './topology';

type Outcome = 'handled' | 'duplicate' | 'retried' | 'dead_lettered';

/**
 * Consumes the service queue. Per message: check the envelope, decode the payload, then run the handler
 * and the inbox insert in one transaction; ack only after commit. Failures are retried through delay
 * queues or dead-lettered with the reason; nothing that fails can block the queue.
 * Starts consuming only on application bootstrap, after migrations ran and the app is ready.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventConsumer');
  private readonly names: TopologyNames;
  private readonly handlers = new Map<EventType, EventHandler<EventType, unknown>>();
  private channel?: ChannelWrapper;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: EventPublisher,
    private readonly outbox: Outbox,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly discovery: DiscoveryService,
  ) {
    this.names = topologyNames(config.messaging.namespace, config.service);
  }

  /** Handlers are providers of the domain modules marked with @HandlesEvent. */
  private collectHandlers(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: HandlesEvent.KEY })) {
      const event = this.discovery.getMetadataByDecorator(HandlesEvent, wrapper);
      const handler = wrapper.instance as EventHandler<EventType, unknown> | undefined;
      if (!event || !handler) continue;
      if (this.handlers.has(event)) throw new Error(`Two handlers for ${event} in ${this.config.service}`);
      this.handlers.set(event, handler);
    }
  }

  get queue(): string {
    return this.names.queue;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.collectHandlers();
    if (this.handlers.size === 0) return;
    const { messaging } = this.config;
    this.channel = this.connection.createConfirmChannel('consumer', async (ch) => {
      await declareServiceQueues(ch, {
        names: this.names,
        routingKeys: [...this.handlers.keys()],
        retryMaxAttempts: messaging.retryMaxAttempts,
        retryBaseDelayMs: messaging.retryBaseDelayMs,
      });
      await ch.prefetch(messaging.prefetch);
    });
    await this.channel.consume(this.names.queue, (msg) => this.track(msg), { noAck: false });
  }

  private track(msg: ConsumeMessage): void {
    const epoch = this.connection.epoch;
    const work = this.onMessage(msg)
      .catch((err: unknown) => {
        // Only reached if even dead-lettering failed (broker gone): leave unacked, the broker redelivers.
        this.logger.error(`could not settle message: ${describeError(err)}`);
        return undefined;
      })
      .then((settled) => {
        if (settled && epoch === this.connection.epoch) this.channel?.ack(msg);
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Returns true when the message may be acked. */
  private async onMessage(msg: ConsumeMessage): Promise<boolean> {
    const started = process.hrtime.bigint();
    let envelope: EventEnvelope;
    try {
      envelope = envelopeFromMessage(msg);
    } catch (err) {
      await this.deadLetter(msg, 'undecodable_envelope', describeError(err), 'fatal', attemptOf(msg));
      messagesConsumed.inc({ event: 'unknown', outcome: 'dead_lettered' });
      return true;
    }
    const outcome = await runWithMessageContext(
      {
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        eventId: envelope.eventId,
        eventType: envelope.type,
      },
      () => this.process(msg, envelope),
    );
    messagesConsumed.inc({ event: envelope.type, outcome });
    messageHandleSeconds.observe({ event: envelope.type }, Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  }

  private async process(msg: ConsumeMessage, envelope: EventEnvelope): Promise<Outcome> {
    const attempt = attemptOf(msg);
    const handler = this.handlers.get(envelope.type);
    if (!handler) {
      await this.deadLetter(
        msg,
        'no_handler',
        `${this.config.service} has no handler for ${envelope.type}`,
        'fatal',
        attempt,
      );
      return 'dead_lettered';
    }
    let payload: unknown;
    try {
      payload = fromBinary(EVENTS[envelope.type].schema, msg.content);
    } catch (err) {
      await this.deadLetter(msg, 'invalid_payload', describeError(err), 'fatal', attempt);
      return 'dead_lettered';
    }

    try {
      let prepared: unknown;
      if (handler.prepare) {
        // Heavy work outside the transaction; an event already in the inbox is not worth preparing.
        if (await this.alreadyProcessed(envelope.eventId)) return 'duplicate';
        prepared = await handler.prepare(payload as never, { envelope, attempt });
      }
      const handled = await this.inTransaction(envelope, attempt, 'handled', (ctx) =>
        handler.handle(payload as never, ctx, prepared),
      );
      return handled ? 'handled' : 'duplicate';
    } catch (err) {
      const failureClass = classifyFailure(err);
      const reason: GiveUpReason = {
        code: failureCode(err),
        message: describeError(err),
        failureClass,
        attempts: attempt,
      };
      if (failureClass === 'transient' && attempt < this.config.messaging.retryMaxAttempts) {
        this.logger.warn(`attempt ${attempt} of ${envelope.type} failed, retrying: ${reason.message}`);
        await this.publisher.sendToQueue(this.names.retryQueue(attempt), msg.content, {
          ...msg.properties,
          headers: { ...msg.properties.headers, [HEADERS.attempt]: attempt + 1, [HEADERS.lastError]: reason.message },
        });
        return 'retried';
      }
      this.logger.error(`giving up on ${envelope.type} after ${attempt} attempt(s): ${reason.code}: ${reason.message}`);
      if (handler.onGiveUp) {
        const giveUp = handler.onGiveUp.bind(handler);
        await this.inTransaction(envelope, attempt, `gave_up:${reason.code}`, (ctx) =>
          giveUp(payload as never, reason, ctx),
        ).catch((compErr: unknown) =>
          this.logger.error(`compensation for ${envelope.type} failed: ${describeError(compErr)}`),
        );
      }
      await this.deadLetter(msg, reason.code, reason.message, failureClass, attempt);
      return 'dead_lettered';
    }
  }

  /** Read-only inbox check (no transaction): has this event been processed already? */
  private async alreadyProcessed(eventId: string): Promise<boolean> {
    const schema = this.config.database.schema;
    const rows = (await this.dataSource.query(`SELECT 1 FROM "${schema}".inbox WHERE event_id = $1`, [
      eventId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** Runs `work` with the inbox insert in one transaction. Returns false if the event was already processed. */
  private async inTransaction(
    envelope: EventEnvelope,
    attempt: number,
    outcome: string,
    work: (ctx: EventContext) => Promise<void>,
  ): Promise<boolean> {
    const schema = this.config.database.schema;
    const afterCommit: Array<() => Promise<void> | void> = [];
    const committed = await this.dataSource.transaction(async (manager: EntityManager) => {
      const inserted = (await manager.query(
        `INSERT INTO "${schema}".inbox (event_id, type, correlation_id, outcome) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [envelope.eventId, envelope.type, envelope.correlationId, outcome],
      )) as unknown[];
      if (inserted.length === 0) return false;
      const ctx: EventContext = {
        envelope,
        attempt,
        manager,
        emit: async (type, init) => {
          await this.outbox.add(manager, type, init, {
            correlationId: envelope.correlationId,
            causationId: envelope.eventId,
          });
        },
        afterCommit: (effect) => {
          afterCommit.push(effect);
        },
      };
      await work(ctx);
      return true;
    });
    if (committed) {
      for (const effect of afterCommit) {
        await Promise.resolve()
          .then(effect)
          .catch((err: unknown) =>
            this.logger.warn(`after-commit effect of ${envelope.type} failed: ${describeError(err)}`),
          );
      }
    }
    return committed;
  }

  private async deadLetter(
    msg: ConsumeMessage,
    code: string,
    message: string,
    failureClass: 'fatal' | 'transient',
    attempts: number,
  ): Promise<void> {
    await this.publisher.sendToQueue(this.names.deadLetterQueue, msg.content, {
      ...msg.properties,
      persistent: true,
      headers: {
        ...msg.properties.headers,
        [HEADERS.failureReason]: `${code}: ${message}`,
        [HEADERS.failureClass]: failureClass,
        [HEADERS.attempts]: attempts,
        [HEADERS.originalType]: msg.properties.type ?? msg.fields.routingKey,
        [HEADERS.failedBy]: this.config.service,
      },
    });
  }

  /** Stop taking messages, let in-flight ones finish and settle. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.channel) return;
    await this.channel.cancelAll().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.channel.close().catch(() => undefined);
  }
}
