/**
 * npm run chaos [-- --generations 1000 --concurrency 16 --replicas 2 --kills 12 --no-broker-restart ...]
 * The project's chaos suite (see chaos-harness.ts): prints one table and exits 1 on any loss, duplicate, stuck saga,
 * billing mismatch, unpublished outbox row, failed request (rolling restart with replicas) or unclean exit.
 * --no-broker-restart: the broker restart stops every vhost on the machine; leave it out on a shared dev machine.
 */
import { DEFAULTS, runChaos } from './chaos-harness';
import { table, violations } from './chaos-report';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number, got ${process.argv[i + 1]}`);
  return v;
};

async function main(): Promise<void> {
  const result = await runChaos({
    generations: arg('generations', DEFAULTS.generations),
    concurrency: arg('concurrency', DEFAULTS.concurrency),
    replicas: arg('replicas', 2),
    accounts: arg('accounts', DEFAULTS.accounts),
    kills: arg('kills', DEFAULTS.kills),
    amqpCloses: arg('amqp-closes', DEFAULTS.amqpCloses),
    dbTerminations: arg('db-terminations', DEFAULTS.dbTerminations),
    rollingRequests: arg('rolling-requests', DEFAULTS.rollingRequests),
    settleMs: arg('settle-seconds', DEFAULTS.settleMs / 1000) * 1000,
    brokerRestart: !process.argv.includes('--no-broker-restart'),
  });
  console.log(`\n${table(result)}\n`);
  const m = result.measurement;
  for (const [what, list] of [
    ['lost', m.lost],
    ['stuck', m.stuck],
    ['duplicated', m.duplicated],
    ['billing', m.billingMismatches],
    ['quota usage', m.usageMismatches],
    ['failed requests', result.failedRequests.map((f) => `${f.what} after ${f.attempts} attempts: ${f.error}`)],
  ] as const) {
    if (list.length > 0) console.log(`${what}: ${list.slice(0, 10).join('; ')}${list.length > 10 ? ' …' : ''}`);
  }
  if (violations(result).length > 0) process.exitCode = 1;
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});
