import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import type { DataSource, EntityManager } from 'typeorm';
import type { ServiceConfig } from '@atelier/config';
import {
  EVENTS,
  RPCS,
  create,
  fromBinary,
  isEventType,
  isRpcName,
  toBinary,
  type EventType,
  type RpcName,
} from '@atelier/contracts';
import { messageHandleSeconds, messagesConsumed, runWithMessageContext } from '@atelier/observability';
import type { AmqpConnection } from './amqp-connection';
import { brokerUserOf, callerUsers, producerUsers } from './broker-identity';
import { HEADERS, attemptOf, envelopeFromMessage, type EventEnvelope } from './envelope';
import {
  MeshEventContext,
  RequestContext,
  type EventPhase,
  type EventTransaction,
  type GiveUpReason,
  type MeshEventExtras,
} from './event-context';
import type { EventPublisher } from './event-publisher';
import { FatalError, classifyFailure, describeError, failureCode } from './failures';
import type { Outbox } from './outbox';
import { RPC_HEADERS, rpcExchange, rpcQueue } from './rpc';
import { declareServiceQueues, topologyNames, type TopologyNames } from './topology';
import { SpanKind, SpanStatusCode, consumeInSpan } from './trace-context';

type Outcome = 'handled' | 'duplicate' | 'retried' | 'dead_lettered';
type Phases = Partial<Record<EventPhase, MessageHandler>>;

/** What the transport needs from the application; it lives outside DI, so bootstrap passes these in. */
export interface MeshTransportDeps {
  connection: AmqpConnection;
  publisher: EventPublisher;
  outbox: Outbox;
  dataSource: DataSource;
  config: ServiceConfig;
}

export const MESH_TRANSPORT = Symbol('atelier-mesh');

/** Broker connection events a caller may listen to through the strategy. */
export interface MeshTransportEvents {
  connect: () => void;
  disconnect: (arg: { err?: Error }) => void;
  [event: string]: (...args: never[]) => void;
}

/**
 * The mesh as a @nestjs/microservices custom transport. Controllers' `@EventPattern(type)` methods consume the
 * service queue; `@MessagePattern(name)` methods answer request/reply calls. Nest wraps each method in its
 * guards → interceptors → pipes → filters; this class owns delivery: per event, envelope and protobuf decode,
 * `prepare` outside any transaction (after a read-only inbox check), then `handle` and the inbox insert in one
 * transaction, ack only after commit on the delivering channel (skipped if it reconnected: the redelivery is
 * deduplicated by the inbox), retries through delay queues, dead-lettering with reason headers after `giveUp`.
 */
export class MeshTransport extends Server<MeshTransportEvents> implements CustomTransportStrategy {
  override readonly transportId = MESH_TRANSPORT;
  /** Every event stream is awaited here, so failures reach the classifier instead of Nest's logger. */
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger('MeshTransport');
  private readonly names: TopologyNames;
  private readonly events = new Map<EventType, Phases>();
  private readonly requests = new Map<RpcName, MessageHandler>();
  private readonly problems: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private consumer?: ChannelWrapper;
  private rpcChannel?: ChannelWrapper;

  constructor(private readonly deps: MeshTransportDeps) {
    super();
    this.names = topologyNames(deps.config.messaging.namespace, deps.config.service);
  }

  get queue(): string {
    return this.names.queue;
  }

  /** Sorts handlers by phase instead of chaining them: one `handle` per event type and service, or listen fails. */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    const key = this.normalizePattern(pattern as string);
    const { service } = this.deps.config;
    Object.assign(callback, { isEventHandler, extras });
    if (isEventHandler) {
      const phase = (extras as MeshEventExtras).phase ?? 'handle';
      if (!isEventType(key)) return void this.problems.push(`@EventPattern('${key}') is not an event of the mesh`);
      if (!['prepare', 'handle', 'giveUp'].includes(phase)) return void this.problems.push(`unknown phase ${phase}`);
      const phases = this.events.get(key) ?? {};
      if (phases[phase]) return void this.problems.push(`two ${phase} handlers for ${key} in ${service}`);
      phases[phase] = callback;
      this.events.set(key, phases);
    } else {
      if (!isRpcName(key)) return void this.problems.push(`@MessagePattern('${key}') is not a call of the mesh`);
      if (RPCS[key].server !== service) return void this.problems.push(`${key} is served by ${RPCS[key].server}`);
      if (this.requests.has(key)) return void this.problems.push(`two handlers for ${key} in ${service}`);
      this.requests.set(key, callback);
    }
    this.messageHandlers.set(
      isEventHandler ? `${key}#${(extras as MeshEventExtras).phase ?? 'handle'}` : key,
      callback,
    );
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      for (const [type, phases] of this.events) {
        if (!phases.handle) this.problems.push(`${type} has a prepare/giveUp phase but no handle`);
      }
      if (this.problems.length > 0) throw new Error(`mesh handlers: ${this.problems.join('; ')}`);
      if (this.events.size > 0) await this.consumeEvents();
      if (this.requests.size > 0) await this.serveRequests();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Connection events (`connect`, `disconnect`, …) of the underlying amqp-connection-manager. */
  on<K extends keyof MeshTransportEvents>(event: K, callback: MeshTransportEvents[K]): void {
    this.deps.connection.manager.on(String(event), callback as never);
  }

  unwrap<T>(): T {
    return this.deps.connection.manager as T;
  }

  /** Stop taking messages, let in-flight ones finish and settle, then close the channels. */
  async close(): Promise<void> {
    await this.consumer?.cancelAll().catch(() => undefined);
    await this.rpcChannel?.cancelAll().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.consumer?.close().catch(() => undefined);
    await this.rpcChannel?.close().catch(() => undefined);
  }

  // ---- events ----

  private async consumeEvents(): Promise<void> {
    const { messaging } = this.deps.config;
    this.consumer = this.deps.connection.createConfirmChannel('consumer', async (ch) => {
      await declareServiceQueues(ch, {
        names: this.names,
        routingKeys: [...this.events.keys()],
        retryMaxAttempts: messaging.retryMaxAttempts,
        retryBaseDelayMs: messaging.retryBaseDelayMs,
      });
      await ch.prefetch(messaging.prefetch);
    });
    await this.consumer.consume(this.names.queue, (msg) => this.track(msg), { noAck: false });
  }

  private track(msg: ConsumeMessage): void {
    const epoch = this.deps.connection.epoch;
    const work = this.onEvent(msg)
      .catch((err: unknown) => {
        // Only reached if even dead-lettering failed (broker gone): leave unacked, the broker redelivers.
        this.log.error(`could not settle message: ${describeError(err)}`);
        return false;
      })
      .then((settled) => {
        // Ack on the channel that delivered it; after a reconnect its delivery tag means nothing.
        if (settled && epoch === this.deps.connection.epoch) this.consumer?.ack(msg);
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Returns true when the message may be acked. */
  private async onEvent(msg: ConsumeMessage): Promise<boolean> {
    const started = process.hrtime.bigint();
    const attempt = attemptOf(msg);
    const max = this.deps.config.messaging.maxMessageBytes;
    if (msg.content.length > max) {
      await this.deadLetter(msg, 'message_too_large', `${msg.content.length} bytes > ${max}`, 'fatal', attempt);
      messagesConsumed.inc({ event: 'unknown', outcome: 'dead_lettered' });
      return true;
    }
    let envelope: EventEnvelope;
    try {
      envelope = envelopeFromMessage(msg);
    } catch (err) {
      await this.deadLetter(msg, 'undecodable_envelope', describeError(err), 'fatal', attempt);
      messagesConsumed.inc({ event: 'unknown', outcome: 'dead_lettered' });
      return true;
    }
    if (!this.fromDeclaredProducer(msg, envelope.type, attempt)) {
      const who = msg.properties.userId === undefined ? 'no user-id' : `user-id "${String(msg.properties.userId)}"`;
      await this.deadLetter(msg, 'forged_producer', `${envelope.type} with ${who}`, 'fatal', attempt);
      messagesConsumed.inc({ event: envelope.type, outcome: 'dead_lettered' });
      return true;
    }
    const outcome = await runWithMessageContext(
      {
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        eventId: envelope.eventId,
        eventType: envelope.type,
      },
      () =>
        consumeInSpan(
          this.deps.config.tracing.enabled,
          msg.properties.headers,
          `process ${envelope.type}`,
          SpanKind.CONSUMER,
          {
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': this.names.queue,
            'messaging.rabbitmq.destination.routing_key': envelope.type,
            'messaging.message.id': envelope.eventId,
            'messaging.message.conversation_id': envelope.correlationId,
            'atelier.producer': envelope.producer,
            'atelier.attempt': attempt,
          },
          () => this.process(msg, envelope, attempt),
          (result, span) => {
            span.setAttribute('atelier.outcome', result);
            if (result === 'dead_lettered') span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered' });
          },
        ),
    );
    messagesConsumed.inc({ event: envelope.type, outcome });
    messageHandleSeconds.observe({ event: envelope.type }, Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  }

  /**
   * The AMQP user-id is checked by the broker against the publishing connection's user, so it names the service that
   * published. A retry comes back through this service's own delay queue, republished under its own user.
   */
  private fromDeclaredProducer(msg: ConsumeMessage, type: EventType, attempt: number): boolean {
    const { messaging, service } = this.deps.config;
    if (!messaging.verifyProducer) return true;
    const userId = msg.properties.userId as string | undefined;
    if (userId === undefined) return false;
    if (attempt > 1 && userId === brokerUserOf(messaging.namespace, service)) return true;
    return producerUsers(messaging.namespace, type).includes(userId);
  }

  private async process(msg: ConsumeMessage, envelope: EventEnvelope, attempt: number): Promise<Outcome> {
    const phases = this.events.get(envelope.type);
    const handle = phases?.handle;
    if (!phases || !handle) {
      const why = `${this.deps.config.service} has no handler for ${envelope.type}`;
      await this.deadLetter(msg, 'no_handler', why, 'fatal', attempt);
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
      if (phases.prepare) {
        // Heavy work outside the transaction; an event already in the inbox is not worth preparing.
        if (await this.alreadyProcessed(envelope.eventId)) return 'duplicate';
        prepared = await this.run(phases.prepare, payload, new MeshEventContext(msg, envelope, attempt, 'prepare'));
      }
      const handled = await this.inTransaction(envelope, 'handled', (tx) =>
        this.run(handle, payload, new MeshEventContext(msg, envelope, attempt, 'handle', tx, prepared)),
      );
      return handled ? 'handled' : 'duplicate';
    } catch (err) {
      const failureClass = classifyFailure(err);
      const failure: GiveUpReason = {
        code: failureCode(err),
        message: describeError(err),
        failureClass,
        attempts: attempt,
      };
      if (failureClass === 'transient' && attempt < this.deps.config.messaging.retryMaxAttempts) {
        this.log.warn(`attempt ${attempt} of ${envelope.type} failed, retrying: ${failure.message}`);
        await this.deps.publisher.sendToQueue(this.names.retryQueue(attempt), msg.content, {
          ...msg.properties,
          userId: this.deps.config.messaging.brokerUser,
          headers: { ...msg.properties.headers, [HEADERS.attempt]: attempt + 1, [HEADERS.lastError]: failure.message },
        });
        return 'retried';
      }
      this.log.error(`giving up on ${envelope.type} after ${attempt} attempt(s): ${failure.code}: ${failure.message}`);
      const giveUp = phases.giveUp;
      if (giveUp) {
        await this.inTransaction(envelope, `gave_up:${failure.code}`, (tx) =>
          this.run(giveUp, payload, new MeshEventContext(msg, envelope, attempt, 'giveUp', tx, undefined, failure)),
        ).catch((compErr: unknown) =>
          this.log.error(`compensation for ${envelope.type} failed: ${describeError(compErr)}`),
        );
      }
      await this.deadLetter(msg, failure.code, failure.message, failureClass, attempt);
      return 'dead_lettered';
    }
  }

  /** Runs one handler through Nest's pipeline and awaits its whole stream (never the fire-and-forget base path). */
  private async run(fn: MessageHandler, payload: unknown, ctx: MeshEventContext | RequestContext): Promise<unknown> {
    return lastValueFrom(this.transformToObservable(await fn(payload, ctx)), { defaultValue: undefined });
  }

  /** Read-only inbox check (no transaction): has this event been processed already? */
  private async alreadyProcessed(eventId: string): Promise<boolean> {
    const schema = this.deps.config.database.schema;
    const rows = (await this.deps.dataSource.query(`SELECT 1 FROM "${schema}".inbox WHERE event_id = $1`, [
      eventId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** Runs `work` with the inbox insert in one transaction. Returns false if the event was already processed. */
  private async inTransaction(
    envelope: EventEnvelope,
    outcome: string,
    work: (tx: EventTransaction) => Promise<unknown>,
  ): Promise<boolean> {
    const schema = this.deps.config.database.schema;
    const effects: Array<() => Promise<void> | void> = [];
    const committed = await this.deps.dataSource.transaction(async (manager: EntityManager) => {
      const inserted = (await manager.query(
        `INSERT INTO "${schema}".inbox (event_id, type, correlation_id, outcome) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [envelope.eventId, envelope.type, envelope.correlationId, outcome],
      )) as unknown[];
      if (inserted.length === 0) return false;
      await work({
        manager,
        emit: async (type, init) => {
          await this.deps.outbox.add(manager, type, init, {
            correlationId: envelope.correlationId,
            causationId: envelope.eventId,
          });
        },
        afterCommit: (effect) => void effects.push(effect),
      });
      return true;
    });
    if (committed) {
      for (const effect of effects) {
        await Promise.resolve()
          .then(effect)
          .catch((err: unknown) =>
            this.log.warn(`after-commit effect of ${envelope.type} failed: ${describeError(err)}`),
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
    // An oversized message is not copied to the DLQ: its headers say what it was.
    const body = code === 'message_too_large' ? Buffer.alloc(0) : msg.content;
    await this.deps.publisher.sendToQueue(this.names.deadLetterQueue, body, {
      ...msg.properties,
      // Republished by this service: the broker only accepts its own user-id (the original stays in x-producer-user).
      userId: this.deps.config.messaging.brokerUser,
      persistent: true,
      headers: {
        ...msg.properties.headers,
        [HEADERS.failureReason]: `${code}: ${message}`,
        [HEADERS.failureClass]: failureClass,
        [HEADERS.attempts]: attempts,
        [HEADERS.originalType]: msg.properties.type ?? msg.fields.routingKey,
        [HEADERS.failedBy]: this.deps.config.service,
        'x-producer-user': String(msg.properties.userId ?? ''),
      },
    });
  }

  // ---- request/reply ----

  private async serveRequests(): Promise<void> {
    const { config, connection } = this.deps;
    const ns = config.messaging.namespace;
    const queue = rpcQueue(ns, config.service);
    this.rpcChannel = connection.manager.createChannel({
      name: 'rpc-server',
      json: false,
      setup: async (ch: Channel) => {
        await ch.assertExchange(rpcExchange(ns), 'direct', { durable: true });
        // Requests expire quickly: a caller that gave up does not want a late answer.
        await ch.assertQueue(queue, { durable: true, arguments: { 'x-message-ttl': 30000 } });
        for (const name of this.requests.keys()) await ch.bindQueue(queue, rpcExchange(ns), name);
        await ch.prefetch(config.messaging.prefetch);
      },
    });
    await this.rpcChannel.consume(queue, (msg) => this.trackRequest(msg), { noAck: false });
  }

  private trackRequest(msg: ConsumeMessage): void {
    const work = this.serve(msg)
      .catch((err: unknown) => this.log.error(`rpc reply failed: ${describeError(err)}`))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Answers one call; a bad request gets an error reply (class `caller`), never a crash. Always acked. */
  private async serve(msg: ConsumeMessage): Promise<void> {
    const { replyTo, correlationId } = msg.properties;
    const name = String(msg.properties.type ?? msg.fields.routingKey);
    const correlation = String(msg.properties.headers?.['x-correlation-id'] ?? correlationId ?? 'rpc');
    let body = Buffer.alloc(0);
    let headers: Record<string, string> = {};
    const serveInContext = () =>
      runWithMessageContext({ correlationId: correlation }, async () => {
        try {
          const handler = isRpcName(name) ? this.requests.get(name) : undefined;
          if (!isRpcName(name) || !handler) throw new FatalError(`no handler for ${name}`, 'unknown_rpc');
          const { maxMessageBytes: max, verifyProducer, namespace } = this.deps.config.messaging;
          if (msg.content.length > max)
            throw new FatalError(`${msg.content.length} bytes > ${max}`, 'message_too_large');
          const caller = msg.properties.userId as string | undefined;
          if (verifyProducer && (caller === undefined || !callerUsers(namespace, name).includes(caller))) {
            throw new FatalError(`${name} may not be called by ${caller ?? 'an unnamed user'}`, 'forbidden_caller');
          }
          let request: unknown;
          try {
            request = fromBinary(RPCS[name].request, msg.content);
          } catch (err) {
            throw new FatalError(describeError(err), 'invalid_request');
          }
          const reply = await this.run(handler, request, new RequestContext(msg, name, correlation));
          const schema = RPCS[name].reply;
          body = Buffer.from(toBinary(schema, create(schema, reply as never)));
        } catch (err) {
          this.log.warn(`rpc ${name} failed: ${describeError(err)}`);
          headers = {
            [RPC_HEADERS.errorCode]: failureCode(err),
            [RPC_HEADERS.errorMessage]: describeError(err),
            [RPC_HEADERS.errorClass]: classifyFailure(err) === 'fatal' ? 'caller' : 'server',
          };
        }
      });
    await consumeInSpan(
      this.deps.config.tracing.enabled,
      msg.properties.headers,
      `rpc ${name}`,
      SpanKind.SERVER,
      { 'rpc.system': 'atelier-mesh', 'rpc.method': name, 'messaging.message.conversation_id': correlation },
      serveInContext,
      (_result, span) => {
        const code = headers[RPC_HEADERS.errorCode];
        if (code) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      },
    );
    try {
      if (typeof replyTo === 'string' && replyTo.length > 0) {
        await this.rpcChannel?.sendToQueue(replyTo, body, { correlationId, type: name, headers });
      }
    } finally {
      this.rpcChannel?.ack(msg);
    }
  }
}
