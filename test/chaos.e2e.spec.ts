import { resolve } from 'node:path';
import { type ChaosResult, runChaos } from '../scripts/chaos/chaos-harness';
import { table, violations } from '../scripts/chaos/chaos-report';

/**
 * The chaos harness itself, at a tiny scale, in the default suite: gateway and billing with 2 replicas, SIGKILLs with restarts, a forced
 * close of the mesh's AMQP connections (its own vhost only), billing's database sessions terminated and a rolling
 * gateway restart; no broker restart (that would hit every other test on the machine). `npm run chaos` is the full run.
 */
describe('chaos harness (tiny scale)', () => {
  let result: ChaosResult;

  beforeAll(async () => {
    result = await runChaos({
      generations: 40,
      concurrency: 8,
      // Two gateways (the load balancer, the rolling restart); one of the rest keeps the start-up short on a small
      // machine (test/replicas.e2e.spec.ts and test/scheduler-replicas.spec.ts cover replicated billing).
      replicas: { gateway: 2 },
      accounts: 2,
      kills: 2,
      amqpCloses: 1,
      dbTerminations: 1,
      brokerRestart: false,
      rollingRequests: 8,
      settleMs: 60000,
      distDir: resolve(__dirname, '..', 'dist'),
      logDir: resolve(__dirname, '..', 'var', 'test-logs'),
      // Straight to stdout as it happens, so a slow run shows how far it got.
      print: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`${table(result)}\n`);
  }, 420000);

  it('keeps every invariant: nothing lost, doubled or stuck, billing exact, outboxes drained, clean exits', () => {
    expect(violations(result)).toEqual([]);
    const m = result.measurement;
    expect(m.lost).toEqual([]);
    expect(m.duplicated).toEqual([]);
    expect(m.stuck).toEqual([]);
    expect(m.billingMismatches).toEqual([]);
    expect(m.committedImages).toBe(m.deliveredImages);
  });

  it('really injected the faults and really exercised every outcome', () => {
    const kinds = result.faults.map((f) => f.kind);
    expect(kinds.filter((k) => k === 'kill')).toHaveLength(2);
    expect(kinds).toContain('amqp_close');
    expect(kinds).toContain('db_terminate');
    const m = result.measurement;
    expect(m.accepted).toBeGreaterThanOrEqual(48);
    expect(m.byStatus.completed).toBeGreaterThan(20);
    // The short account asks for 2 images a time and runs out of quota.
    expect(m.byStatus.rejected).toBeGreaterThan(0);
    expect(m.throughput.quiet).toBeGreaterThan(0);
    expect(m.throughput.faults).toBeGreaterThan(0);
    expect(result.rolling?.failed).toBe(0);
  });
});
