import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import amqplib, { type ChannelModel, type GetMessage } from 'amqplib';
import { Client } from 'pg';
import { SERVICES, type ServiceName } from '@atelier/config';
import { brokerGrants, brokerUserOf } from '@atelier/messaging';
import { dropDatabase } from '@atelier/persistence';
import { migrateAll, provisionAll } from '../../scripts/db';
import { MeshClient } from '../../scripts/mesh/mesh-client';
import { MeshSupervisor, randomBasePort } from '../../scripts/mesh/mesh-supervisor';

export const ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** RabbitMQ's management API, for meshes with per-service broker users (AMQP_URL's user must be an administrator). */
const MANAGEMENT_URL = process.env.BROKER_MANAGEMENT_URL ?? 'http://127.0.0.1:15672';

export interface TestMeshOptions {
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  services?: readonly ServiceName[];
  /** Processes per service (default MESH_REPLICAS, else 1); replicated services sit behind a local load balancer. */
  replicas?: number | Partial<Record<ServiceName, number>>;
  /**
   * Each service logs in as its own broker user with the production grants (topic permissions per produced event
   * type) and consumers verify the producer (VERIFY_PRODUCER), as in production. Users are made through the
   * management API (rabbitmqctl costs seconds a call) and removed by stop().
   */
  brokerUsers?: boolean;
  /** How long start() waits for each service to be ready (default 120 s). */
  readyTimeoutMs?: number;
}

/**
 * A whole mesh for one test file: its own database, exchange/queue namespace, storage folder and ports,
 * with the services running as separate processes from dist/ (run `npm run build` first).
 */
export class TestMesh {
  readonly id = `t${randomBytes(4).toString('hex')}`;
  readonly database = `atelier_${this.id}`;
  readonly namespace = `at-${this.id}`;
  readonly storageDir = mkdtempSync(join(tmpdir(), 'atelier-storage-'));
  readonly env: Record<string, string>;
  readonly supervisor: MeshSupervisor;
  readonly client: MeshClient;
  db!: Client;
  private connection?: ChannelModel;
  private readonly producerConnections = new Map<ServiceName, ChannelModel>();
  private readonly brokerPasswords = new Map<ServiceName, string>();

  constructor(private readonly options: TestMeshOptions = {}) {
    this.env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_NAME: this.database,
      DATABASE_ADMIN_URL: ADMIN_URL,
      AMQP_URL,
      MESH_NAMESPACE: this.namespace,
      STORAGE_DIR: this.storageDir,
      // The recommender's HNSW snapshots go with the mesh's other files (removed by stop()).
      RECOMMENDER_VECTOR_INDEX_DIR: join(this.storageDir, 'vector-index'),
      RETRY_BASE_DELAY_MS: '100',
      RETRY_MAX_ATTEMPTS: '4',
      OUTBOX_POLL_INTERVAL_MS: '500',
      RESERVATION_SWEEP_INTERVAL_MS: '500',
      ...options.env,
    };
    let serviceEnv = options.serviceEnv;
    if (options.brokerUsers) {
      this.env.VERIFY_PRODUCER = 'true';
      serviceEnv = {};
      for (const service of SERVICES) {
        this.brokerPasswords.set(service, randomBytes(18).toString('base64url'));
        serviceEnv[service] = { AMQP_URL: this.brokerUrl(service), ...options.serviceEnv?.[service] };
      }
    }
    this.supervisor = new MeshSupervisor({
      env: this.env,
      serviceEnv,
      replicas: options.replicas,
      readyTimeoutMs: options.readyTimeoutMs,
      basePort: randomBasePort(),
      logDir: resolve(__dirname, '..', '..', 'var', 'test-logs', this.id),
      distDir: resolve(__dirname, '..', '..', 'dist'),
    });
    this.client = new MeshClient(this.supervisor.url('gateway'));
  }

  async start(): Promise<this> {
    if (this.options.brokerUsers) await this.createBrokerUsers();
    await provisionAll(this.env);
    await migrateAll(this.env);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${this.database}`;
    this.db = new Client({ connectionString: url.toString() });
    await this.db.connect();
    await this.supervisor.startAll(this.options.services ?? SERVICES);
    return this;
  }

  /** The test's own broker connection, re-opened if a test closed all connections. */
  async amqp(): Promise<ChannelModel> {
    if (!this.connection) {
      const conn = await amqplib.connect(AMQP_URL);
      conn.on('close', () => {
        if (this.connection === conn) this.connection = undefined;
      });
      conn.on('error', () => undefined);
      this.connection = conn;
    }
    return this.connection;
  }

  /** The broker user a service of this mesh logs in as (with `brokerUsers`), e.g. for a publish's user-id. */
  brokerUser(service: ServiceName): string {
    return brokerUserOf(this.namespace, service);
  }

  /** A connection logged in as a service's own broker user (with `brokerUsers`), to publish as that service. */
  async amqpAs(service: ServiceName): Promise<ChannelModel> {
    let conn = this.producerConnections.get(service);
    if (!conn) {
      conn = await amqplib.connect(this.brokerUrl(service));
      conn.on('error', () => undefined);
      this.producerConnections.set(service, conn);
    }
    return conn;
  }

  private brokerUrl(service: ServiceName): string {
    const url = new URL(AMQP_URL);
    url.username = encodeURIComponent(this.brokerUser(service));
    url.password = encodeURIComponent(this.brokerPasswords.get(service) ?? '');
    return url.toString();
  }

  private async management(method: 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
    const admin = new URL(AMQP_URL);
    const res = await fetch(`${MANAGEMENT_URL}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${decodeURIComponent(admin.username)}:${decodeURIComponent(admin.password)}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok && !(method === 'DELETE' && res.status === 404)) {
      throw new Error(`broker management ${method} ${path}: ${res.status} ${await res.text()}`);
    }
  }

  private async createBrokerUsers(): Promise<void> {
    const vhost = encodeURIComponent(decodeURIComponent(new URL(AMQP_URL).pathname.slice(1)) || '/');
    for (const g of brokerGrants(this.namespace)) {
      const user = encodeURIComponent(g.user);
      await this.management('PUT', `/api/users/${user}`, { password: this.brokerPasswords.get(g.service), tags: '' });
      await this.management('PUT', `/api/permissions/${vhost}/${user}`, {
        configure: g.configure,
        write: g.write,
        read: g.read,
      });
      await this.management('PUT', `/api/topic-permissions/${vhost}/${user}`, {
        exchange: `${this.namespace}.events`,
        write: g.topicWrite,
        read: g.topicRead,
      });
    }
  }

  queue(service: ServiceName): string {
    return `${this.namespace}.${service}`;
  }

  /** Takes every message currently in a service's dead-letter queue. */
  async drainDeadLetters(service: ServiceName): Promise<GetMessage[]> {
    const ch = await (await this.amqp()).createChannel();
    try {
      const out: GetMessage[] = [];
      for (;;) {
        const msg = await ch.get(`${this.queue(service)}.dlq`, { noAck: true });
        if (!msg) return out;
        out.push(msg);
      }
    } finally {
      await ch.close();
    }
  }

  async waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Billing's usage of one user once it settles: billing learns of completion from its own queue,
   * independently of the gateway's read model, so it may lag a moment behind "completed".
   * Returns the last value seen if it never matches, so the test's assertion shows the difference.
   */
  async settledUsage(user: string, expected: { committed: number; reserved: number }): Promise<unknown> {
    const read = async () =>
      (
        await this.query<{ committed: number; reserved: number }>(
          'SELECT committed, reserved FROM billing.quota_usage WHERE user_id = $1',
          [user],
        )
      )[0];
    return this.waitFor(
      async () => {
        const u = await read();
        return u && u.committed === expected.committed && u.reserved === expected.reserved ? u : undefined;
      },
      15000,
      'billing usage to settle',
    ).catch(read);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  newUser(): string {
    return randomUUID();
  }

  async stop(): Promise<void> {
    await this.supervisor.stopAll();
    await this.db?.end().catch(() => undefined);
    const conn = await this.amqp();
    for (const s of SERVICES) {
      for (const q of [
        this.queue(s),
        `${this.queue(s)}.dlq`,
        ...[1, 2, 3, 4, 5].map((i) => `${this.queue(s)}.retry.${i}`),
      ]) {
        // A channel per delete: a failed operation closes its channel.
        const ch = await conn.createChannel();
        ch.on('error', () => undefined);
        await ch.deleteQueue(q).catch(() => undefined);
        await ch.close().catch(() => undefined);
      }
    }
    const ch = await conn.createChannel();
    await ch.deleteExchange(`${this.namespace}.events`).catch(() => undefined);
    await conn.close().catch(() => undefined);
    for (const c of this.producerConnections.values()) await c.close().catch(() => undefined);
    if (this.options.brokerUsers) {
      for (const g of brokerGrants(this.namespace)) {
        await this.management('DELETE', `/api/users/${encodeURIComponent(g.user)}`).catch(() => undefined);
      }
    }
    await dropDatabase(ADMIN_URL, this.database);
    rmSync(this.storageDir, { recursive: true, force: true });
  }
}
