import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PORTS, SERVICES, type ServiceName } from '@atelier/config';

export interface MeshOptions {
  /** Extra environment for every service (DATABASE_NAME, MESH_NAMESPACE, ...). */
  env: Record<string, string>;
  /** Per-service environment overrides. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Port of the first service; the others follow in SERVICES order. */
  basePort?: number;
  logDir: string;
  distDir?: string;
}

/** Starts, stops and kills the six services as separate Node processes (as in production). */
/**
 * A random base for six consecutive service ports in 20000–31999: below Linux's ephemeral range (32768+), where
 * the kernel hands out local ports to outgoing connections (PostgreSQL, RabbitMQ) that would collide with them.
 */
export const randomBasePort = (): number => 20000 + Math.floor(Math.random() * 2000) * 6;

export class MeshSupervisor {
  private readonly processes = new Map<ServiceName, ChildProcess>();
  readonly ports: Record<ServiceName, number>;
  private readonly distDir: string;

  constructor(private readonly options: MeshOptions) {
    this.distDir = resolve(options.distDir ?? join(__dirname, '..', '..'));
    this.ports = Object.fromEntries(
      SERVICES.map((s, i) => [s, options.basePort === undefined ? DEFAULT_PORTS[s] : options.basePort + i]),
    ) as Record<ServiceName, number>;
    mkdirSync(options.logDir, { recursive: true });
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports[service]}`;
  }

  async startAll(services: readonly ServiceName[] = SERVICES): Promise<void> {
    for (const s of services) this.spawn(s);
    await Promise.all(services.map((s) => this.waitReady(s)));
  }

  async start(service: ServiceName): Promise<void> {
    this.spawn(service);
    await this.waitReady(service);
  }

  private spawn(service: ServiceName): void {
    if (this.processes.has(service)) throw new Error(`${service} already running`);
    const log = createWriteStream(join(this.options.logDir, `${service}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(this.distDir, 'apps', service, 'src', 'main.js')], {
      env: {
        ...process.env,
        // Service discovery for the one HTTP hop of the mesh (gateway → recommender).
        RECOMMENDER_URL: this.url('recommender'),
        ...this.options.env,
        ...this.options.serviceEnv?.[service],
        HTTP_PORT: String(this.ports[service]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.on('exit', () => {
      if (this.processes.get(service) === child) this.processes.delete(service);
    });
    this.processes.set(service, child);
  }

  async waitReady(service: ServiceName, timeoutMs = 120000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const child = this.processes.get(service);
      if (!child || child.exitCode !== null) {
        throw new Error(`${service} exited during start-up; see ${join(this.options.logDir, `${service}.log`)}`);
      }
      try {
        const res = await fetch(`${this.url(service)}/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${service} not ready after ${timeoutMs} ms`);
  }

  /** SIGKILL: no graceful shutdown, in-flight messages stay unacked. */
  async kill(service: ServiceName): Promise<void> {
    await this.signal(service, 'SIGKILL');
  }

  async stop(service: ServiceName): Promise<void> {
    await this.signal(service, 'SIGTERM');
  }

  private async signal(service: ServiceName, signal: NodeJS.Signals): Promise<void> {
    const child = this.processes.get(service);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timeout = setTimeout(() => child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timeout);
    this.processes.delete(service);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((s) => this.stop(s)));
  }
}
