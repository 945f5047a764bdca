import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICES, type ServiceName } from '@atelier/config';
import { dropDatabase } from '@atelier/persistence';
import { migrateAll, provisionAll } from '../db';
import { MeshSupervisor, randomBasePort } from '../mesh/mesh-supervisor';
import { ADMIN_URL, AMQP_URL } from '../mesh/throwaway-environment';
import { type Accepted, type Measurement, measure } from './chaos-measure';
import { ChaosClient, type FailedRequest } from './chaos-client';
import { createVhost, deleteVhost, type FaultRecord, Faults } from './faults';

export interface ChaosOptions {
  /** Generations to submit in all (quiet phase + fault phase; the rolling-restart phase adds its own). */
  generations: number;
  concurrency: number;
  /** Processes per service: one number for all, or per service (others 1). */
  replicas: number | Partial<Record<ServiceName, number>>;
  /** Accounts with enough quota; one more account is given too little and runs out. */
  accounts: number;
  /** Share of the generations submitted before any fault, for the fault-free throughput. */
  quietShare: number;
  /** SIGKILL + restart of random replicas during the fault phase. */
  kills: number;
  amqpCloses: number;
  dbTerminations: number;
  /** Stop and start the whole broker once (affects every vhost on it: off for shared dev machines). */
  brokerRestart: boolean;
  /** Generations submitted while the gateway's replicas are restarted one at a time (0 skips the phase). */
  rollingRequests: number;
  /** How long a generation may take to reach a terminal status after the last fault before it counts as stuck. */
  settleMs: number;
  distDir?: string;
  logDir?: string;
  print?: (line: string) => void;
}

export const DEFAULTS: ChaosOptions = {
  generations: 1000,
  concurrency: 16,
  replicas: 2,
  accounts: 4,
  quietShare: 0.25,
  kills: 12,
  amqpCloses: 2,
  dbTerminations: 1,
  brokerRestart: true,
  rollingRequests: 60,
  settleMs: 180000,
};

export interface ChaosResult {
  options: ChaosOptions;
  measurement: Measurement;
  faults: FaultRecord[];
  /** Submissions the client gave up on after its retries (main run and rolling restart). */
  failedRequests: FailedRequest[];
  rolling: { requests: number; retried: number; failed: number; restartMs: number[] } | null;
  /** Replica exits other than our SIGKILLs: a graceful stop that did not exit 0 is a defect. */
  badExits: string[];
  /** Processes each service ran as. */
  replicas: Record<ServiceName, number>;
  wallMs: number;
}

const TERMINAL = new Set(['completed', 'failed', 'rejected']);
const SAGA: readonly ServiceName[] = ['gateway', 'billing', 'enhancer', 'generator', 'judge'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The project's chaos run: a throwaway mesh (own database, vhost, namespace, ports, storage) with N replicas per
 * service; generations at a fixed concurrency from several accounts, first without faults, then while replicas are
 * SIGKILLed and restarted, AMQP connections are force-closed, the broker restarts and one service's database
 * sessions are terminated; then a rolling restart of the gateway; then it settles and measures everything.
 */
export async function runChaos(partial: Partial<ChaosOptions> = {}): Promise<ChaosResult> {
  const o: ChaosOptions = { ...DEFAULTS, ...partial };
  const print = o.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  const id = `c${randomBytes(4).toString('hex')}`;
  const vhost = `atelier-chaos-${id}`;
  const amqpUrl = `${AMQP_URL}/${encodeURIComponent(vhost)}`;
  const storageDir = mkdtempSync(join(tmpdir(), 'atelier-chaos-'));
  const perAccount = Math.ceil(o.generations / (o.accounts + 1));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_NAME: `atelier_${id}`,
    DATABASE_ADMIN_URL: ADMIN_URL,
    AMQP_URL: amqpUrl,
    MESH_NAMESPACE: `at-${id}`,
    STORAGE_DIR: storageDir,
    RECOMMENDER_VECTOR_INDEX_DIR: join(storageDir, 'vector-index'),
    // The saga's own guarantees are measured here, not the vision judge's speed.
    JUDGE_BACKEND: 'statistics',
    // Enough for the normal accounts (n=1 each); the short account asks n=2 and runs out three quarters of the way.
    FREE_MONTHLY_IMAGES: String(Math.ceil(perAccount * 1.5)),
    RETRY_BASE_DELAY_MS: '200',
    OUTBOX_POLL_INTERVAL_MS: '1000',
    RESERVATION_SWEEP_INTERVAL_MS: '1000',
  };
  const mesh = new MeshSupervisor({
    env,
    basePort: randomBasePort(),
    replicas: o.replicas,
    logDir: resolve(o.logDir ?? join(__dirname, '..', '..', '..', 'var', 'chaos-logs'), id),
    distDir: o.distDir,
  });
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${env.DATABASE_NAME}`;
  const faults = new Faults(mesh, vhost, ADMIN_URL, env.DATABASE_NAME, print);
  const client = new ChaosClient(mesh.url('gateway'), 90000);
  const accepted: Accepted[] = [];
  const failedRequests: FailedRequest[] = [];
  const users = Array.from({ length: o.accounts }, () => randomUUID());
  const shortUser = randomUUID();
  const rollingUser = randomUUID();
  const warmUser = randomUUID();
  const allUsers = [...users, shortUser, rollingUser];

  print(
    `chaos ${id}: ${o.generations} generations at concurrency ${o.concurrency}, replicas ${JSON.stringify(o.replicas)}, ` +
      `${o.accounts}+1 accounts; faults: ${o.kills} kills, ${o.amqpCloses} AMQP closes, ${o.dbTerminations} DB ` +
      `terminations, broker restart ${o.brokerRestart ? 'yes' : 'no'}`,
  );
  await createVhost(vhost, decodeURIComponent(new URL(AMQP_URL).username));
  try {
    await provisionAll(env);
    await migrateAll(env);
    await mesh.startAll(SERVICES);
    print(`  mesh up in ${((Date.now() - started) / 1000).toFixed(1)} s; gateway at ${mesh.url('gateway')}`);

    // One closed loop per worker: submit, wait for a terminal status, next.
    let next = 0;
    const plan = Array.from({ length: o.generations }, (_, i) => {
      const account = i % (o.accounts + 1);
      return account === o.accounts ? { user: shortUser, n: 2 } : { user: users[account], n: 1 };
    });
    const quietCount = Math.round(o.generations * o.quietShare);
    let done = 0;
    const phaseOf = (i: number): Accepted['phase'] => (i < quietCount ? 'quiet' : 'faults');
    const worker = async (until: number): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= until) return;
        const { user, n } = plan[i];
        const body = { prompt: `chaos poster ${i}: autumn coffee, 20% off`, n, width: 128, height: 128, seed: i };
        const sub = await client.submit(user, body);
        if (!sub.ok) {
          failedRequests.push(sub.failure);
        } else {
          accepted.push({ id: sub.id, user, n, phase: phaseOf(i) });
          await waitTerminal(client, user, sub.id, 60000);
        }
        done++;
      }
    };
    const drive = (until: number) => Promise.all(Array.from({ length: o.concurrency }, () => worker(until)));

    // Warm-up (not measured): the first generations pay for JIT and lazy loading in every process.
    await Promise.all(
      Array.from({ length: o.concurrency }, async (_, k) => {
        const sub = await client.submit(warmUser, { prompt: `warm-up ${k}`, n: 1, width: 128, height: 128 });
        if (sub.ok) await waitTerminal(client, warmUser, sub.id, 60000);
      }),
    );
    print(`  quiet phase: ${quietCount} generations`);
    await drive(quietCount);
    print(`  fault phase: ${o.generations - quietCount} generations`);
    const faultRun = drive(o.generations);
    const faultLoop = (async () => {
      // Faults at evenly spaced points of the fault phase's progress.
      const total = o.generations - quietCount;
      const events: Array<{ at: number; fire: () => Promise<void> }> = [];
      const spread = (count: number, offset: number, fire: () => Promise<void>) => {
        for (let k = 0; k < count; k++) events.push({ at: (k + offset) / (count + 1), fire });
      };
      spread(o.kills, 0.5, () => faults.killRandom(SAGA.concat(['recommender']), 1000));
      spread(o.amqpCloses, 0.8, () => faults.closeAmqpConnections());
      spread(o.dbTerminations, 1, () => faults.terminateDbSessions('billing'));
      if (o.brokerRestart) events.push({ at: 0.6, fire: () => faults.restartBroker(5000) });
      events.sort((a, b) => a.at - b.at);
      for (const e of events) {
        while ((done - quietCount) / total < e.at && done < o.generations) await sleep(100);
        if (done >= o.generations) break;
        await e.fire().catch((err: Error) => print(`  fault failed: ${err.message}`));
      }
    })();
    await Promise.all([faultRun, faultLoop]);
    await faults.settle();

    const rolling = o.rollingRequests > 0 ? await rollingRestart(mesh, rollingUser, o, accepted, print) : null;
    if (rolling) failedRequests.push(...rolling.failures);

    // Settle: every accepted generation must reach a terminal status.
    print('  settling');
    const deadline = Date.now() + o.settleMs;
    for (const a of accepted) {
      await waitTerminal(client, a.user, a.id, Math.max(1000, deadline - Date.now()));
    }
    // Billing learns of completion from its own queue: let its consumers and relays drain.
    await sleep(3000);
    const measurement = await measure({
      databaseUrl: dbUrl.toString(),
      amqpUrl,
      namespace: env.MESH_NAMESPACE,
      accepted,
      users: allUsers,
      terminal: TERMINAL,
    });
    await mesh.stopAll();
    // Every exit that was not one of our SIGKILLs must be a clean 0 (graceful SIGTERM drains).
    const badExits = mesh.exits
      .filter((e) => e.signal !== 'SIGKILL' && e.code !== 0)
      .map((e) => `${e.service}#${e.replica}: code ${e.code} signal ${e.signal}`);
    for (const e of mesh.exits) {
      if (e.signal === 'SIGKILL' && !(e.pid !== undefined && faults.killedPids.has(e.pid))) {
        badExits.push(`${e.service}#${e.replica}: did not stop within 15 s of SIGTERM (SIGKILLed)`);
      }
    }
    return {
      options: o,
      measurement,
      faults: faults.log,
      failedRequests,
      rolling: rolling && {
        requests: rolling.requests,
        retried: rolling.retried,
        failed: rolling.failures.length,
        restartMs: rolling.restartMs,
      },
      badExits,
      replicas: { ...mesh.replicas },
      wallMs: Date.now() - started,
    };
  } finally {
    await mesh.stopAll().catch(() => undefined);
    await deleteVhost(vhost);
    await dropDatabase(ADMIN_URL, env.DATABASE_NAME).catch(() => undefined);
    rmSync(storageDir, { recursive: true, force: true });
  }
}

async function waitTerminal(client: ChaosClient, user: string, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await client.status(user, id);
    if (status && TERMINAL.has(status)) return;
    await sleep(150);
  }
}

/**
 * Restarts the gateway's replicas one at a time (SIGTERM, start, wait ready) while a client keeps submitting with
 * Idempotency-Keys and retrying; returns how many submissions needed a retry and how many failed after retries.
 */
async function rollingRestart(
  mesh: MeshSupervisor,
  user: string,
  o: ChaosOptions,
  accepted: Accepted[],
  print: (line: string) => void,
): Promise<{ requests: number; retried: number; failures: FailedRequest[]; restartMs: number[] }> {
  print(`  rolling restart of ${mesh.replicas.gateway} gateway replica(s) under ${o.rollingRequests} submissions`);
  // A short retry budget: the point is whether the API stays up, not whether a patient client gets through.
  const impatient = new ChaosClient(mesh.url('gateway'), 5000);
  let stop = false;
  let requests = 0;
  let retried = 0;
  const failures: FailedRequest[] = [];
  const load = (async () => {
    const workers = Array.from({ length: 4 }, async () => {
      // At least rollingRequests, and for as long as the restarts take.
      while (!stop || requests < o.rollingRequests) {
        requests++;
        const sub = await impatient.submit(user, { prompt: `rolling ${requests}`, n: 1, width: 128, height: 128 });
        if (sub.ok) {
          accepted.push({ id: sub.id, user, n: 1, phase: 'rolling' });
          if (sub.attempts > 1) retried++;
        } else {
          failures.push({ ...sub.failure, what: 'rolling submit' });
        }
        await sleep(250);
      }
    });
    await Promise.all(workers);
  })();
  const restartMs: number[] = [];
  await sleep(500);
  for (let r = 0; r < mesh.replicas.gateway; r++) {
    const t = Date.now();
    await mesh.stop('gateway', r);
    await mesh.start('gateway', r);
    restartMs.push(Date.now() - t);
  }
  stop = true;
  await load;
  print(`  rolling restart: ${requests} submissions, ${retried} retried, ${failures.length} failed after retries`);
  return { requests, retried, failures, restartMs };
}
