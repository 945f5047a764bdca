/**
 * npm run bench:gateway [-- --duration 10 --connections 16]
 * The gateway's HTTP path under load, measured by autocannon in a separate process:
 *   - authenticated GET /v1/generations/{id} (Bearer JWT verify, two indexed queries, JSON of a completed
 *     generation with 4 ranked images) and GET /health/live;
 *   - the baseline in the same run: a plain Node `http` server (another process) answering the same bytes.
 * Prints requests/s and p99 latency for each, and gateway/baseline ratios.
 * `-- --cpu-prof <dir>` samples the gateway with the inspector's CPU profiler (cpu-profile-preload; profile written to <dir> when the mesh stops;
 * summarise it with `node dist/scripts/bench/cpu-profile-summary.js <file>.cpuprofile`).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrateAll, provisionAll } from '../db';
import { MeshClient } from '../mesh/mesh-client';
import { MeshSupervisor, randomBasePort } from '../mesh/mesh-supervisor';
import { throwawayEnvironment } from '../mesh/throwaway-environment';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = arg('duration', 10);
const profIndex = process.argv.indexOf('--cpu-prof');
const CPU_PROF_DIR = profIndex > 0 ? resolve(process.argv[profIndex + 1] ?? '.') : undefined;
const CONNECTIONS = arg('connections', 16);

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** Runs the autocannon CLI in its own process (the load must not share the server's event loop). */
function load(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  const cli = require.resolve('autocannon/autocannon.js');
  const args = [cli, '-c', String(CONNECTIONS), '-d', String(DURATION), '--json'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const r = JSON.parse(out) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        non2xx: number;
        errors: number;
      };
      resolveRun({
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
        total: r.requests.total,
      });
    });
  });
}

/** The baseline: node:http in its own process, answering fixed bytes per path. */
async function plainServer(bodies: Record<string, string>): Promise<{ url: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-plain-'));
  const file = join(dir, 'bodies.json');
  writeFileSync(file, JSON.stringify(bodies));
  const script = `
    const http = require('node:http');
    const bodies = Object.fromEntries(Object.entries(JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))).map(([k, v]) => [k, Buffer.from(v)]));
    const server = http.createServer((req, res) => {
      const body = bodies[req.url];
      if (!body) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((r) => child.stdout.once('data', (d: Buffer) => r(d.toString().trim())));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const row = (name: string, r: LoadResult) =>
  `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors)`;

async function main(): Promise<void> {
  const throwaway = throwawayEnvironment({
    ALLOW_DEV_USER_HEADER: 'false',
  });
  const { id, env } = throwaway;
  console.log(`bench:gateway — autocannon in a separate process, ${CONNECTIONS} connections, ${DURATION} s per target`);
  await provisionAll(env);
  await migrateAll(env);
  const mesh = new MeshSupervisor({
    env,
    // A random free-ish range away from the dev ports (3000-3005) and the saga bench (31000).
    basePort: randomBasePort(),
    logDir: resolve(__dirname, '..', '..', '..', 'var', 'bench-logs', id),
    // Six services start at once; on the shared, loaded host that can take longer than the default 120 s.
    readyTimeoutMs: 360_000,
    serviceEnv: CPU_PROF_DIR
      ? {
          gateway: {
            NODE_OPTIONS: `--require ${JSON.stringify(resolve(__dirname, 'cpu-profile-preload.js'))}`,
            CPU_PROFILE_DIR: CPU_PROF_DIR,
          },
        }
      : undefined,
  });
  let plain: { url: string; stop: () => void } | undefined;
  try {
    await mesh.startAll();
    const gateway = mesh.url('gateway');
    const client = new MeshClient(gateway);
    const email = `bench-${randomUUID().slice(0, 8)}@atelier.example`;
    const password = `bench ${randomUUID()}`;
    await client.register(email, password);
    const user = await client.login(email, password);
    const { body } = await client.submit(user, { prompt: 'баннер для кофейни, осень', n: 4, width: 128, height: 128 });
    const generation = await client.waitForTerminal(user, body.id ?? '');
    if (generation.status !== 'completed') throw new Error(`generation ${generation.status}`);
    const path = `/v1/generations/${generation.id}`;
    const auth = { authorization: `Bearer ${user.accessToken}` };
    const json = await (await fetch(`${gateway}${path}`, { headers: auth })).text();
    const health = await (await fetch(`${gateway}/health/live`)).text();
    plain = await plainServer({ [path]: json, '/health/live': health });
    console.log(`generation JSON: ${Buffer.byteLength(json)} bytes; health JSON: ${Buffer.byteLength(health)} bytes\n`);

    const results = {
      gatewayGet: await load(`${gateway}${path}`, auth),
      plainGet: await load(`${plain.url}${path}`),
      gatewayHealth: await load(`${gateway}/health/live`),
      plainHealth: await load(`${plain.url}/health/live`),
    };
    console.log(row('gateway GET /v1/generations/{id} (Bearer)', results.gatewayGet));
    console.log(row('plain node:http, same JSON (baseline)', results.plainGet));
    console.log(row('gateway GET /health/live', results.gatewayHealth));
    console.log(row('plain node:http, same JSON (baseline)', results.plainHealth));
    const ratio = (a: LoadResult, b: LoadResult) =>
      `throughput ×${(a.rps / b.rps).toFixed(2)} of the baseline, p99 ×${(a.p99 / Math.max(1, b.p99)).toFixed(1)}`;
    console.log(`\nGET /v1/generations/{id}: ${ratio(results.gatewayGet, results.plainGet)}`);
    console.log(`GET /health/live:          ${ratio(results.gatewayHealth, results.plainHealth)}`);
    const bad = Object.values(results).reduce((a, r) => a + r.non2xx + r.errors, 0);
    if (bad > 0) {
      console.error(`${bad} requests failed`);
      process.exitCode = 1;
    }
  } finally {
    plain?.stop();
    await mesh.stopAll();
    await throwaway.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
