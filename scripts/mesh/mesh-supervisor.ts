import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PORTS, SERVICES, type ServiceName } from '@atelier/config';
import { LoadBalancer } from './load-balancer';

/** At most this many replicas of one service (the port block of a mesh has room for them). */
export const MAX_REPLICAS = 4;

export interface MeshOptions {
  /** Extra environment for every service (DATABASE_NAME, MESH_NAMESPACE, ...). */
  env: Record<string, string>;
  /** Per-service environment overrides. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Port of the first service; the others follow in SERVICES order, then the replicas' own ports. */
  basePort?: number;
  logDir: string;
  distDir?: string;
  /**
   * Processes per service: one number for all, or per service (default 1, or MESH_REPLICAS from the environment).
   * A service with more than one replica gets a local load balancer on its public port (see `url`).
   */
  replicas?: number | Partial<Record<ServiceName, number>>;
  /** How long `startAll` waits for each replica's /health/ready (default 120 s; a loaded machine may need more). */
  readyTimeoutMs?: number;
}

/** Replicas from the MESH_REPLICAS environment variable (a number), for the start command, benches and tests. */
export function replicasFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.MESH_REPLICAS ?? '1');
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) {
    throw new Error(`MESH_REPLICAS must be an integer from 1 to ${MAX_REPLICAS}, got ${env.MESH_REPLICAS}`);
  }
  return n;
}

/**
 * A random base for a block of 32 ports in 20000–31999 (six public ports, then the replicas' own): below Linux's
 * ephemeral range (32768+), where the kernel hands out local ports to outgoing connections (PostgreSQL, RabbitMQ)
 * that would collide with them.
 */
export const randomBasePort = (): number => 20000 + Math.floor(Math.random() * 375) * 32;

/** How a replica process ended: its exit code, or the signal that killed it. */
export interface ReplicaExit {
  service: ServiceName;
  replica: number;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Starts, stops and kills the six services as separate Node processes (as in production), N replicas each.
 * Calls that name only a service act on all of its replicas; with a replica index, on that one.
 */
export class MeshSupervisor {
  private readonly processes = new Map<string, ChildProcess>();
  private readonly balancers = new Map<ServiceName, LoadBalancer>();
  readonly ports: Record<ServiceName, number>;
  readonly replicas: Record<ServiceName, number>;
  private readonly distDir: string;
  /** Every replica exit seen, in order (graceful-stop tests read the codes). */
  readonly exits: ReplicaExit[] = [];

  constructor(private readonly options: MeshOptions) {
    this.distDir = resolve(options.distDir ?? join(__dirname, '..', '..'));
    this.ports = Object.fromEntries(
      SERVICES.map((s, i) => [s, options.basePort === undefined ? DEFAULT_PORTS[s] : options.basePort + i]),
    ) as Record<ServiceName, number>;
    const r = options.replicas ?? replicasFromEnv();
    this.replicas = Object.fromEntries(SERVICES.map((s) => [s, typeof r === 'number' ? r : (r[s] ?? 1)])) as Record<
      ServiceName,
      number
    >;
    for (const s of SERVICES) {
      if (this.replicas[s] < 1 || this.replicas[s] > MAX_REPLICAS) throw new Error(`${s}: 1..${MAX_REPLICAS} replicas`);
    }
    mkdirSync(options.logDir, { recursive: true });
  }

  /** The service's public address: its only replica, or the load balancer in front of its replicas. */
  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports[service]}`;
  }

  /** One replica's own address (health checks, tests that must reach a particular replica). */
  replicaUrl(service: ServiceName, replica: number): string {
    return `http://127.0.0.1:${this.replicaPort(service, replica)}`;
  }

  replicaPort(service: ServiceName, replica: number): number {
    if (this.replicas[service] === 1) return this.ports[service];
    const i = SERVICES.indexOf(service);
    return this.options.basePort === undefined
      ? DEFAULT_PORTS[service] + 100 * (replica + 1)
      : this.options.basePort + SERVICES.length + i * MAX_REPLICAS + replica;
  }

  /** Replica indexes of a service, or just the one asked for. */
  private indexes(service: ServiceName, replica?: number): number[] {
    if (replica !== undefined) return [replica];
    return Array.from({ length: this.replicas[service] }, (_, r) => r);
  }

  async startAll(services: readonly ServiceName[] = SERVICES): Promise<void> {
    await Promise.all(services.map((s) => this.balance(s)));
    for (const s of services) for (const r of this.indexes(s)) this.spawn(s, r);
    await Promise.all(
      services.flatMap((s) => this.indexes(s).map((r) => this.waitReady(s, this.options.readyTimeoutMs, r))),
    );
  }

  async start(service: ServiceName, replica?: number): Promise<void> {
    await this.balance(service);
    for (const r of this.indexes(service, replica)) this.spawn(service, r);
    await Promise.all(this.indexes(service, replica).map((r) => this.waitReady(service, undefined, r)));
  }

  /** Is this replica's process running? */
  running(service: ServiceName, replica = 0): boolean {
    const child = this.processes.get(key(service, replica));
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  pid(service: ServiceName, replica = 0): number | undefined {
    return this.processes.get(key(service, replica))?.pid;
  }

  private async balance(service: ServiceName): Promise<void> {
    if (this.replicas[service] === 1 || this.balancers.has(service)) return;
    const lb = new LoadBalancer(this.ports[service], () =>
      this.indexes(service).map((r) => this.replicaPort(service, r)),
    );
    this.balancers.set(service, lb);
    await lb.listen();
  }

  private spawn(service: ServiceName, replica: number): void {
    const k = key(service, replica);
    if (this.processes.has(k)) throw new Error(`${k} already running`);
    const name = this.replicas[service] === 1 ? service : `${service}-${replica}`;
    const log = createWriteStream(join(this.options.logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(this.distDir, 'apps', service, 'src', 'main.js')], {
      env: {
        ...process.env,
        // Service discovery for the one HTTP hop of the mesh (gateway → recommender).
        RECOMMENDER_URL: this.url('recommender'),
        ...this.options.env,
        ...this.options.serviceEnv?.[service],
        HTTP_PORT: String(this.replicaPort(service, replica)),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.on('exit', (code, signal) => {
      this.exits.push({ service, replica, pid: child.pid, code, signal });
      if (this.processes.get(k) === child) this.processes.delete(k);
    });
    this.processes.set(k, child);
  }

  /** Waits until the replica (the first, unless named) answers /health/ready. */
  async waitReady(service: ServiceName, timeoutMs = 120000, replica = 0): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const name = this.replicas[service] === 1 ? service : `${service}-${replica}`;
    while (Date.now() < deadline) {
      const child = this.processes.get(key(service, replica));
      if (!child || child.exitCode !== null) {
        throw new Error(`${name} exited during start-up; see ${join(this.options.logDir, `${name}.log`)}`);
      }
      try {
        const res = await fetch(`${this.replicaUrl(service, replica)}/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} not ready after ${timeoutMs} ms`);
  }

  /** SIGKILL: no graceful shutdown, in-flight messages stay unacked. */
  async kill(service: ServiceName, replica?: number): Promise<ReplicaExit[]> {
    return this.signalAll(service, replica, 'SIGKILL');
  }

  /** SIGTERM (graceful drain), SIGKILL after 15 s; resolves with how each replica ended. */
  async stop(service: ServiceName, replica?: number): Promise<ReplicaExit[]> {
    return this.signalAll(service, replica, 'SIGTERM');
  }

  private async signalAll(
    service: ServiceName,
    replica: number | undefined,
    signal: NodeJS.Signals,
  ): Promise<ReplicaExit[]> {
    const exits = await Promise.all(this.indexes(service, replica).map((r) => this.signal(service, r, signal)));
    return exits.filter((e): e is ReplicaExit => e !== undefined);
  }

  private async signal(
    service: ServiceName,
    replica: number,
    signal: NodeJS.Signals,
  ): Promise<ReplicaExit | undefined> {
    const k = key(service, replica);
    const child = this.processes.get(k);
    if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
    const exited = new Promise<ReplicaExit>((r) =>
      child.once('exit', (code, sig) => r({ service, replica, pid: child.pid, code, signal: sig })),
    );
    child.kill(signal);
    const timeout = setTimeout(() => child.kill('SIGKILL'), 15000);
    const exit = await exited;
    clearTimeout(timeout);
    if (this.processes.get(k) === child) this.processes.delete(k);
    return exit;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.processes.keys()].map((k) => {
        const [service, replica] = k.split('#');
        return this.signal(service as ServiceName, Number(replica), 'SIGTERM');
      }),
    );
    await Promise.all([...this.balancers.values()].map((lb) => lb.close()));
    this.balancers.clear();
  }
}

const key = (service: ServiceName, replica: number): string => `${service}#${replica}`;
