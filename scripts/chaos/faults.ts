import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { ServiceName } from '@atelier/config';
import type { MeshSupervisor } from '../mesh/mesh-supervisor';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One fault that happened, for the run's log and table. */
export interface FaultRecord {
  at: number;
  kind: 'kill' | 'amqp_close' | 'broker_restart' | 'db_terminate';
  target: string;
  detail: string;
}

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 120000 });
  return stdout;
}

/** A vhost of the run's own, so closing "all" connections touches only this mesh, and deleting it cleans up. */
export async function createVhost(vhost: string, user: string): Promise<void> {
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, user, '.*', '.*', '.*');
}

export async function deleteVhost(vhost: string): Promise<void> {
  await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
}

/** Fault injectors against one mesh: its processes, its vhost and its database. */
export class Faults {
  readonly log: FaultRecord[] = [];
  /** Processes this run SIGKILLed on purpose (any other SIGKILL is a replica that would not stop). */
  readonly killedPids = new Set<number>();
  private readonly restarts: Array<Promise<void>> = [];
  /** Replicas killed and not yet ready again (never killed a second time while starting). */
  private readonly restarting = new Set<string>();
  private readonly t0 = Date.now();

  constructor(
    private readonly mesh: MeshSupervisor,
    private readonly vhost: string,
    private readonly adminUrl: string,
    private readonly database: string,
    private readonly print: (line: string) => void,
  ) {}

  private record(kind: FaultRecord['kind'], target: string, detail: string): void {
    const r = { at: Date.now() - this.t0, kind, target, detail };
    this.log.push(r);
    this.print(`  fault +${(r.at / 1000).toFixed(1)}s ${kind} ${target} ${detail}`);
  }

  /**
   * SIGKILLs one running replica (of a replicated service, only one whose sibling is up)
   * and restarts it after `downMs` in the background; `settle()` waits for every restart.
   */
  async killRandom(services: readonly ServiceName[], downMs: number): Promise<void> {
    const candidates = services.flatMap((s) =>
      Array.from({ length: this.mesh.replicas[s] }, (_, r) => ({ s, r })).filter(
        // With replicas, only kill one whose sibling is up: the service stays available, as a real rollout would.
        ({ s, r }) =>
          this.up(s, r) &&
          (this.mesh.replicas[s] === 1 ||
            Array.from({ length: this.mesh.replicas[s] }, (_, o) => o).some((o) => o !== r && this.up(s, o))),
      ),
    );
    if (candidates.length === 0) return;
    const { s, r } = candidates[Math.floor(Math.random() * candidates.length)];
    const pid = this.mesh.pid(s, r);
    if (pid !== undefined) this.killedPids.add(pid);
    await this.mesh.kill(s, r);
    this.record('kill', `${s}#${r}`, `SIGKILL pid ${pid}, restart in ${downMs} ms`);
    this.restarting.add(`${s}#${r}`);
    this.restarts.push(
      (async () => {
        await sleep(downMs);
        await this.mesh.start(s, r);
      })()
        .catch((err: Error) => this.print(`  restart of ${s}#${r} failed: ${err.message}`))
        .finally(() => this.restarting.delete(`${s}#${r}`)),
    );
  }

  private up(s: ServiceName, r: number): boolean {
    return this.mesh.running(s, r) && !this.restarting.has(`${s}#${r}`);
  }

  /** Force-closes every AMQP connection of this mesh's vhost (the services must reconnect and redeliver). */
  async closeAmqpConnections(): Promise<void> {
    const before = (await rabbitmqctl('list_connections', '-p', this.vhost, 'name').catch(() => ''))
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('name')).length;
    await rabbitmqctl('close_all_connections', '--vhost', this.vhost, 'chaos: forced close');
    this.record('amqp_close', this.vhost, `${before} connection(s) closed`);
  }

  /** Stops and starts the broker application (every vhost on it: full runs only). */
  async restartBroker(downMs: number): Promise<void> {
    const t = Date.now();
    await rabbitmqctl('stop_app');
    await sleep(downMs);
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup').catch(() => undefined);
    this.record('broker_restart', 'rabbitmq', `down ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  /** Terminates every session one service holds on the mesh's database (pg_terminate_backend by user). */
  async terminateDbSessions(service: ServiceName): Promise<void> {
    // A replica that was just killed holds no sessions: wait (briefly) until one is up again, or this does nothing.
    const deadline = Date.now() + 60000;
    while (
      Date.now() < deadline &&
      !Array.from({ length: this.mesh.replicas[service] }, (_, r) => r).some((r) => this.up(service, r))
    ) {
      await sleep(200);
    }
    const admin = new Client({ connectionString: this.adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND usename = $2 AND pid <> pg_backend_pid()`,
        [this.database, `atelier_${service}`],
      );
      this.record('db_terminate', service, `${rows[0].n} session(s) terminated`);
    } finally {
      await admin.end();
    }
  }

  /** Waits for every pending restart. */
  async settle(): Promise<void> {
    while (this.restarts.length > 0) await this.restarts.shift();
  }
}
