import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Controller, Global, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import amqplib, { type ConfirmChannel, type GetMessage } from 'amqplib';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, loadConfig } from '@atelier/config';
import { EVENTS, create, toBinary, type EventPayload, type EventType, type RpcName } from '@atelier/contracts';
import {
  MeshEventContext,
  MessagingModule,
  brokerGrants,
  RpcClient,
  RpcError,
  connectMesh,
  envelopeToPublishOptions,
  newEnvelope,
} from '@atelier/messaging';
import { createServiceDataSource, dropDatabase } from '@atelier/persistence';
import { setupBroker } from '../scripts/broker-setup';
import { migrateAll, provisionAll } from '../scripts/db';
import { ADMIN_URL } from './support/test-mesh';

const calls: string[] = [];

/** Stands in for billing's handlers: records what got through the transport's checks. */
@Controller()
class BillingProbe {
  @EventPattern<EventType>('generation.completed')
  async completed(@Payload() e: EventPayload<'generation.completed'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    calls.push(`completed:${e.generationId}`);
    await ctx.manager.query('SELECT 1');
  }

  @EventPattern<EventType>('generation.requested')
  requested(@Payload() e: EventPayload<'generation.requested'>): void {
    calls.push(`requested:${e.generationId}`);
  }

  @MessagePattern<RpcName>('billing.adjust_wallet')
  adjust(@Payload() r: { userId: string }): { transactionId: string } {
    calls.push(`adjust:${r.userId}`);
    return { transactionId: randomUUID() };
  }
}

describe('forged bus: per-service broker users, topic permissions, producer and caller checks (RabbitMQ)', () => {
  const ns = `fb-${randomUUID().slice(0, 8)}`;
  const password = (service: string) => `pw-${service}-${ns}`;
  const url = (service: string) => `amqp://${ns}-${service}:${encodeURIComponent(password(service))}@127.0.0.1:5672`;
  const base = {
    DATABASE_NAME: `atelier_fb${randomUUID().slice(0, 8)}`,
    DATABASE_ADMIN_URL: ADMIN_URL,
    MESH_NAMESPACE: ns,
  };
  const env = { ...base, AMQP_URL: url('billing'), VERIFY_PRODUCER: 'true', LOG_LEVEL: 'warn' };
  let app: INestApplication;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    setupBroker(ns, '/', password);
    await provisionAll(base);
    await migrateAll(base);
    const start = async (service: 'billing' | 'gateway' | 'recommender', controllers: Array<new () => unknown>) => {
      const config = loadConfig(service, { ...env, AMQP_URL: url(service) });
      @Global()
      @Module({
        providers: [
          { provide: SERVICE_CONFIG, useValue: config },
          { provide: DataSource, useFactory: async () => createServiceDataSource(config.database, {}).initialize() },
        ],
        exports: [SERVICE_CONFIG, DataSource],
      })
      class InfraModule {}
      @Module({ imports: [InfraModule, MessagingModule], controllers })
      class ProbeModule {}
      const a = await NestFactory.create(ProbeModule, { logger: ['error'] });
      connectMesh(a);
      await a.init();
      await a.startAllMicroservices();
      apps.push(a);
      return a;
    };
    app = await start('billing', [BillingProbe]);
    await start('gateway', []);
    await start('recommender', []);
  }, 180000);

  afterAll(async () => {
    for (const a of apps) await a.close();
    const conn = await amqplib.connect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await conn.createChannel();
    for (const q of ['', '.dlq', '.rpc', '.retry.1', '.retry.2', '.retry.3', '.retry.4'])
      await ch.deleteQueue(`${ns}.billing${q}`).catch(() => 0);
    await conn.close().catch(() => undefined);
    for (const g of brokerGrants(ns)) execFileSync('rabbitmqctl', ['-q', 'delete_user', g.user]);
    await dropDatabase(ADMIN_URL, base.DATABASE_NAME);
  });

  /** Publishes as `login`; resolves with the broker's refusal (channel error) or 'accepted'. */
  const publish = async (
    login: string,
    type: 'generation.completed' | 'generation.requested' | 'quota.reserved',
    options: { userId?: string; exchange?: string; routingKey?: string } = {},
  ): Promise<{ outcome: string; eventId: string; generationId: string }> => {
    const generationId = randomUUID();
    const schema = EVENTS[type].schema;
    const body = Buffer.from(toBinary(schema, create(schema, { generationId, userId: randomUUID() } as never)));
    const envelope = newEnvelope(type, 'intruder', generationId);
    const conn = await amqplib.connect(login);
    let refused = '';
    conn.on('error', () => undefined);
    const ch: ConfirmChannel = await conn.createConfirmChannel();
    ch.on('error', (err: Error) => (refused = err.message));
    try {
      ch.publish(options.exchange ?? `${ns}.events`, options.routingKey ?? type, body, {
        ...envelopeToPublishOptions(envelope),
        ...(options.userId ? { userId: options.userId } : {}),
      });
      await ch.waitForConfirms();
    } catch (err) {
      refused ||= (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
    await conn.close().catch(() => undefined);
    return { outcome: refused ? `refused: ${refused}` : 'accepted', eventId: envelope.eventId, generationId };
  };

  const dlq = async (eventId: string): Promise<GetMessage> => {
    const conn = await amqplib.connect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await conn.createChannel();
    try {
      for (let i = 0; i < 100; i++) {
        const m = await ch.get(`${ns}.billing.dlq`, { noAck: false });
        if (m && m.properties.messageId === eventId) {
          ch.ack(m);
          return m;
        }
        if (m) ch.nack(m, false, true);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${eventId} not dead-lettered`);
    } finally {
      await conn.close();
    }
  };
  const inbox = async (eventId: string) =>
    app.get(DataSource).query('SELECT 1 FROM billing.inbox WHERE event_id = $1', [eventId]) as Promise<unknown[]>;

  it('lets the declared producer through (the control)', async () => {
    const sent = await publish(url('judge'), 'generation.completed', { userId: `${ns}-judge` });
    expect(sent.outcome).toBe('accepted');
    for (let i = 0; i < 100 && (await inbox(sent.eventId)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await inbox(sent.eventId)).toHaveLength(1);
    expect(calls).toContain(`completed:${sent.generationId}`);
  }, 60000);

  it("refuses at the broker another service's credentials publishing an event type it does not produce", async () => {
    for (const [login, type] of [
      ['gateway', 'generation.completed'],
      ['recommender', 'generation.requested'],
      ['gateway', 'quota.reserved'],
      ['enhancer', 'quota.reserved'],
    ] as const) {
      const sent = await publish(url(login), type, { userId: `${ns}-${login}` });
      expect(sent.outcome).toMatch(/refused: .*ACCESS_REFUSED/);
      expect(calls.some((c) => c.endsWith(sent.generationId))).toBe(false);
    }
  }, 60000);

  it('refuses at the broker a user-id that is not the connection’s user', async () => {
    // guest may write the routing key (a shared dev login), but cannot claim to be the judge.
    const sent = await publish('amqp://guest:guest@127.0.0.1:5672', 'generation.completed', { userId: `${ns}-judge` });
    expect(sent.outcome).toMatch(/refused: .*PRECONDITION_FAILED/);
  }, 60000);

  it('dead-letters as forged_producer what arrives without a producer’s user-id, and changes nothing', async () => {
    const anonymous = await publish('amqp://guest:guest@127.0.0.1:5672', 'generation.completed');
    const viaQueue = await publish(url('gateway'), 'generation.completed', {
      userId: `${ns}-gateway`,
      exchange: '',
      routingKey: `${ns}.billing`,
    });
    const requested = await publish('amqp://guest:guest@127.0.0.1:5672', 'generation.requested');
    for (const sent of [anonymous, viaQueue, requested]) {
      expect(sent.outcome).toBe('accepted');
      const dead = await dlq(sent.eventId);
      expect(String(dead.properties.headers?.['x-failure-reason'])).toMatch(/^forged_producer: /);
      expect(await inbox(sent.eventId)).toEqual([]);
      expect(calls.some((c) => c.endsWith(sent.generationId))).toBe(false);
    }
  }, 60000);

  it('refuses billing.adjust_wallet from any caller but the gateway', async () => {
    const gateway = apps[1].get(RpcClient);
    const recommender = apps[2].get(RpcClient);
    const userId = randomUUID();
    const refused = await recommender
      .call('billing.adjust_wallet', { userId, adminId: randomUUID(), amountKopecks: 100n, reason: 'x' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RpcError);
    expect((refused as RpcError).code).toBe('forbidden_caller');
    expect((refused as RpcError).status).toBe(403);
    expect(calls).not.toContain(`adjust:${userId}`);
    await gateway.call('billing.adjust_wallet', { userId, adminId: randomUUID(), amountKopecks: 100n, reason: 'x' });
    expect(calls).toContain(`adjust:${userId}`);
  }, 60000);
});
