/**
 * npm run bench:saga [-- --n 200 --concurrency 16]
 * Generations (1 image, 512×512) through the whole mesh, services as separate processes:
 * p50/p95 end-to-end latency (POST → generation.completed on the broker) one at a time and under load,
 * sustained generations/s, and a bare RabbitMQ publish→consume round trip as the baseline in the same run.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import amqplib from 'amqplib';
import { migrateAll, provisionAll } from '../db';
import { MeshClient } from '../mesh/mesh-client';
import { MeshSupervisor } from '../mesh/mesh-supervisor';
import { AMQP_URL, throwawayEnvironment } from '../mesh/throwaway-environment';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 200);
const CONCURRENCY = arg('concurrency', 16);
const SEQUENTIAL = arg('sequential', 50);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

async function rabbitRoundTrip(samples: number): Promise<number[]> {
  // Same socket options as the mesh (noDelay), so the baseline is the best the broker can do here.
  const conn = await amqplib.connect(AMQP_URL, { noDelay: true });
  const ch = await conn.createConfirmChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, durable: false });
  const waiting = new Map<string, (t: number) => void>();
  await ch.consume(queue, (msg) => {
    if (!msg) return;
    ch.ack(msg);
    waiting.get(msg.properties.messageId as string)?.(performance.now());
  });
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const id = randomUUID();
    const got = new Promise<number>((r) => waiting.set(id, r));
    const t0 = performance.now();
    ch.sendToQueue(queue, randomBytes(256), { messageId: id, persistent: true });
    out.push((await got) - t0);
  }
  await conn.close();
  return out;
}

async function main(): Promise<void> {
  const throwaway = throwawayEnvironment({
    FREE_MONTHLY_IMAGES: '1000000',
    // The mesh is what is measured here; the vision judge's own speed is bench:judge's subject.
    JUDGE_BACKEND: 'statistics',
  });
  const { id, env } = throwaway;
  console.log(
    `bench:saga — ${N} generations at concurrency ${CONCURRENCY}, ${SEQUENTIAL} one at a time; 1 image 512×512 each`,
  );
  const baseline = await rabbitRoundTrip(500);

  await provisionAll(env);
  await migrateAll(env);
  const mesh = new MeshSupervisor({
    env,
    basePort: 31000,
    logDir: resolve(__dirname, '..', '..', '..', 'var', 'bench-logs', id),
  });
  const conn = await amqplib.connect(AMQP_URL);
  try {
    await mesh.startAll();
    // Completion is observed on the broker: our own queue bound to the terminal events.
    const ch = await conn.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, `${env.MESH_NAMESPACE}.events`, 'generation.completed');
    await ch.bindQueue(queue, `${env.MESH_NAMESPACE}.events`, 'generation.failed');
    const done = new Map<string, (r: { t: number; ok: boolean }) => void>();
    await ch.consume(
      queue,
      (msg) => {
        if (!msg) return;
        done.get(msg.properties.correlationId as string)?.({
          t: performance.now(),
          ok: msg.properties.type === 'generation.completed',
        });
      },
      { noAck: true },
    );

    const client = new MeshClient(mesh.url('gateway'));
    const user = randomUUID();
    let failures = 0;
    const one = async (i: number): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${mesh.url('gateway')}/v1/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': user },
        body: JSON.stringify({
          prompt: `баннер для кофейни, осень, скидка ${i % 50}%`,
          n: 1,
          width: 512,
          height: 512,
          seed: i,
        }),
      });
      const { id: gid } = (await res.json()) as { id: string };
      const finished = await new Promise<{ t: number; ok: boolean }>((r) => done.set(gid, r));
      done.delete(gid);
      if (!finished.ok) failures++;
      return finished.t - t0;
    };

    for (let i = 0; i < 20; i++) await one(i); // warm-up: JIT, pools, prepared statements
    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await one(1000 + i));

    const loaded: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) loaded.push(await one(2000 + next++));
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    // Sanity: the read model agrees with what the broker said.
    const check = await client.waitForTerminal(
      user,
      (
        (await (
          await fetch(`${mesh.url('gateway')}/v1/generations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-user-id': user },
            body: JSON.stringify({ prompt: 'check', n: 1 }),
          })
        ).json()) as { id: string }
      ).id,
    );

    const b50 = pct(baseline, 50);
    console.log('\nbaseline: bare RabbitMQ publish→consume round trip (persistent, 256 B)');
    console.log(`  p50 ${fmt(b50)}  p95 ${fmt(pct(baseline, 95))}  (${baseline.length} samples)`);
    console.log('\nmesh, one generation at a time (gateway → billing → enhancer → generator → judge → completed)');
    console.log(
      `  p50 ${fmt(pct(sequential, 50))}  p95 ${fmt(pct(sequential, 95))}  (${sequential.length} samples)  ratio p50 vs baseline ×${(pct(sequential, 50) / b50).toFixed(1)}`,
    );
    console.log(`\nmesh under load, concurrency ${CONCURRENCY}`);
    console.log(`  p50 ${fmt(pct(loaded, 50))}  p95 ${fmt(pct(loaded, 95))}  (${loaded.length} samples)`);
    console.log(
      `  sustained ${(N / seconds).toFixed(1)} generations/s over ${seconds.toFixed(1)} s; failures ${failures}; read model check: ${check.status}`,
    );
    console.log(
      `\ntargets: p50 ≤ 250 ms → ${pct(sequential, 50) <= 250 ? 'met' : 'missed'}; ≥ 20 generations/s → ${N / seconds >= 20 ? 'met' : 'missed'}`,
    );
  } finally {
    await conn.close().catch(() => undefined);
    await mesh.stopAll();
    await throwaway.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
