import { randomUUID } from 'node:crypto';
import {
  Catch,
  Controller,
  Global,
  Injectable,
  Module,
  UseFilters,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import amqplib, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { throwError, tap, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, loadConfig } from '@atelier/config';
import { EVENTS, create, toBinary, type EventPayload, type EventType, type MessageInitShape } from '@atelier/contracts';
import {
  FatalError,
  MeshEventContext,
  MessagingModule,
  connectMesh,
  envelopeToPublishOptions,
  newEnvelope,
} from '@atelier/messaging';
import { createServiceDataSource, dropDatabase } from '@atelier/persistence';
import { migrateAll, provisionAll } from '../scripts/db';
import { ADMIN_URL, AMQP_URL } from './support/test-mesh';

/** A failure only the handler's own exception filter knows to be fatal. */
class FlakyLookingError extends Error {}

@Catch(FlakyLookingError)
class FatalizeFilter implements RpcExceptionFilter<FlakyLookingError> {
  catch(err: FlakyLookingError): Observable<never> {
    return throwError(() => new FatalError(`filtered: ${err.message}`, 'filtered'));
  }
}

/** Records what Nest hands an interceptor around an event handler, and what the handler's stream emitted. */
@Injectable()
class RecordingInterceptor implements NestInterceptor {
  static seen: Array<{ type: string; phase: string; verdict: string; finished: boolean }> = [];
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = context.switchToRpc().getContext<MeshEventContext>();
    const data = context.switchToRpc().getData<EventPayload<'feedback.submitted'>>();
    const entry = { type: context.getType(), phase: ctx.phase, verdict: data.verdict, finished: false };
    RecordingInterceptor.seen.push(entry);
    return next.handle().pipe(tap({ complete: () => (entry.finished = true) }));
  }
}

@Controller()
class ProbeHandler {
  static calls = 0;

  @EventPattern<EventType>('feedback.submitted')
  @UseInterceptors(RecordingInterceptor)
  @UseFilters(FatalizeFilter)
  async handle(@Payload() e: EventPayload<'feedback.submitted'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    ProbeHandler.calls++;
    if (e.verdict === 'explode') throw new FlakyLookingError('exploded');
    await ctx.manager.query('SELECT 1');
  }
}

describe('mesh transport: Nest enhancers on event handlers, payload limits (RabbitMQ + PostgreSQL)', () => {
  const ns = `mt-${randomUUID().slice(0, 8)}`;
  const env = {
    DATABASE_NAME: `atelier_mt${randomUUID().slice(0, 8)}`,
    DATABASE_ADMIN_URL: ADMIN_URL,
    AMQP_URL,
    MESH_NAMESPACE: ns,
    RETRY_MAX_ATTEMPTS: '3',
    RETRY_BASE_DELAY_MS: '50',
    MESSAGE_MAX_BYTES: '4096',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig('judge', env);
  let app: INestApplication;
  let conn: ChannelModel;
  let ch: Channel;

  beforeAll(async () => {
    await provisionAll(env);
    await migrateAll(env);

    @Global()
    @Module({
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        {
          provide: DataSource,
          useFactory: async () => createServiceDataSource(config.database, {}).initialize(),
        },
      ],
      exports: [SERVICE_CONFIG, DataSource],
    })
    class InfraModule {}

    @Module({ imports: [InfraModule, MessagingModule], controllers: [ProbeHandler] })
    class ProbeModule {}

    app = await NestFactory.create(ProbeModule, { logger: ['error'] });
    connectMesh(app);
    await app.init();
    await app.startAllMicroservices();
    conn = await amqplib.connect(AMQP_URL);
    ch = await conn.createChannel();
  }, 120000);

  afterAll(async () => {
    await app?.close();
    for (const q of ['', '.dlq', '.retry.1', '.retry.2', '.rpc'])
      await ch?.deleteQueue(`${ns}.judge${q}`).catch(() => 0);
    await ch?.deleteExchange(`${ns}.events`).catch(() => 0);
    await conn?.close();
    await dropDatabase(ADMIN_URL, env.DATABASE_NAME);
  });

  const publish = (init: MessageInitShape<(typeof EVENTS)['feedback.submitted']['schema']>, body?: Buffer) => {
    const envelope = newEnvelope('feedback.submitted', 'gateway', randomUUID());
    const schema = EVENTS['feedback.submitted'].schema;
    ch.publish(
      `${ns}.events`,
      'feedback.submitted',
      body ?? Buffer.from(toBinary(schema, create(schema, init))),
      envelopeToPublishOptions(envelope),
    );
    return envelope;
  };
  const valid = () => ({
    feedbackId: randomUUID(),
    generationId: randomUUID(),
    userId: randomUUID(),
    imageIndex: 0,
    verdict: 'like',
  });
  // Dead letters taken from the queue while looking for another one: they may arrive in any order.
  const seen = new Map<string, GetMessage>();
  const deadLetter = async (eventId: string): Promise<GetMessage> => {
    for (let i = 0; i < 200; i++) {
      const kept = seen.get(eventId);
      if (kept) return kept;
      const msg = await ch.get(`${ns}.judge.dlq`, { noAck: true });
      if (msg) seen.set(String(msg.properties.messageId), msg);
      else await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${eventId} was not dead-lettered`);
  };
  const inbox = async (eventId: string): Promise<Array<{ outcome: string }>> =>
    (await app.get(DataSource).query('SELECT outcome FROM judge.inbox WHERE event_id = $1', [eventId])) as Array<{
      outcome: string;
    }>;
  const waitFor = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const got = await probe();
      if (got !== undefined) return got;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  };

  it('runs an interceptor around an event handler inside the inbox transaction', async () => {
    RecordingInterceptor.seen = [];
    const envelope = publish(valid());
    const rows = await waitFor(async () =>
      (await inbox(envelope.eventId)).length > 0 ? inbox(envelope.eventId) : undefined,
    );
    expect(rows).toEqual([{ outcome: 'handled' }]);
    expect(RecordingInterceptor.seen).toEqual([{ type: 'rpc', phase: 'handle', verdict: 'like', finished: true }]);
  }, 60000);

  it("lets a handler's exception filter decide the failure class: fatal at once, no retries", async () => {
    const before = ProbeHandler.calls;
    const envelope = publish({ ...valid(), verdict: 'explode' });
    const dead = await deadLetter(envelope.eventId);
    expect(String(dead.properties.headers?.['x-failure-reason'])).toBe('filtered: filtered: exploded');
    expect(dead.properties.headers?.['x-attempts']).toBe(1);
    expect(dead.properties.headers?.['x-failure-class']).toBe('fatal');
    expect(ProbeHandler.calls - before).toBe(1);
    expect(await inbox(envelope.eventId)).toEqual([]);
  }, 60000);

  it('dead-letters a payload that decodes but is invalid at once as invalid_payload, never calling the handler', async () => {
    const before = ProbeHandler.calls;
    const empty = publish({ ...valid(), userId: '' });
    const notUuid = publish({ ...valid(), generationId: 'gen-1' });
    const outOfRange = publish({ ...valid(), imageIndex: 4_000_000 });
    for (const { eventId } of [empty, notUuid, outOfRange]) {
      const dead = await deadLetter(eventId);
      expect(String(dead.properties.headers?.['x-failure-reason'])).toMatch(/^invalid_payload: /);
      expect(dead.properties.headers?.['x-attempts']).toBe(1);
      expect(dead.properties.headers?.['x-failure-class']).toBe('fatal');
      expect(await inbox(eventId)).toEqual([]);
    }
    expect(ProbeHandler.calls).toBe(before);
  }, 60000);

  it('refuses a message over the configured size without reading it', async () => {
    const before = ProbeHandler.calls;
    const envelope = publish(valid(), Buffer.alloc(5000, 1));
    const dead = await deadLetter(envelope.eventId);
    expect(String(dead.properties.headers?.['x-failure-reason'])).toBe('message_too_large: 5000 bytes > 4096');
    expect(dead.content.length).toBe(0);
    expect(ProbeHandler.calls).toBe(before);
  }, 60000);
});
