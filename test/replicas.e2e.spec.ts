import { SERVICES } from '@atelier/config';
import { TestMesh } from './support/test-mesh';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a whole event stream (it ends after the terminal status). */
async function readEvents(url: string, user: string): Promise<SseEvent[]> {
  const res = await fetch(url, { headers: { 'x-user-id': user }, signal: AbortSignal.timeout(40000) });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const fields = Object.fromEntries(
        block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      return { event: fields.event, data: JSON.parse(fields.data) as Record<string, unknown> };
    });
}

/**
 * Two gateway and two billing replicas, the gateways behind the mesh's local load balancer: live progress reaches a
 * stream on either replica whichever replica consumed the step, a dead replica is routed around, and every service
 * kind exits 0 on SIGTERM.
 */
describe('a mesh with replicas', () => {
  // Streams re-read the steps table only once a minute: progress must arrive through the cross-replica NOTIFY.
  const mesh = new TestMesh({
    replicas: { gateway: 2, billing: 2 },
    // The statistics judge: this file is about replicas and shutdown, and vision judging of the drain test's
    // in-flight images can outlast the supervisor's 15 s SIGTERM grace on a loaded 2-core machine.
    env: { SSE_POLL_INTERVAL_MS: '60000', JUDGE_BACKEND: 'statistics' },
  });

  beforeAll(async () => {
    await mesh.start();
  }, 240000);
  afterAll(async () => {
    await mesh.stop();
  }, 60000);

  it('streams every step to a client on either gateway replica and through the load balancer', async () => {
    const user = mesh.newUser();
    const urls = [
      mesh.supervisor.replicaUrl('gateway', 0),
      mesh.supervisor.replicaUrl('gateway', 1),
      mesh.supervisor.url('gateway'),
    ];
    for (const base of urls) {
      const { status, body } = await mesh.client.submit(user, {
        prompt: `poster via ${base}`,
        n: 1,
        width: 128,
        height: 128,
      });
      expect(status).toBe(202);
      const started = Date.now();
      const events = await readEvents(`${base}/v1/generations/${body.id}/events`, user);
      expect(events.map((e) => e.event)).toEqual(['step', 'step', 'step', 'step', 'end']);
      expect(events[4].data).toEqual({ status: 'completed' });
      // Far below the one-minute poll: each step was announced to this replica as it committed.
      expect(Date.now() - started).toBeLessThan(30000);
    }
  });

  it('routes around a SIGKILLed gateway replica: no refused request while the other is up', async () => {
    const user = mesh.newUser();
    await mesh.supervisor.kill('gateway', 0);
    // The balancer closes the client connections it had spliced to the dead replica; give the client's keep-alive
    // pool a moment to see those closes, so no request is written onto a socket that is already gone.
    await new Promise((r) => setTimeout(r, 500));
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const { status } = await mesh.client.submit(user, {
        prompt: `during outage ${i}`,
        n: 1,
        width: 128,
        height: 128,
      });
      statuses.push(status);
    }
    expect(statuses.every((s) => s === 202)).toBe(true);
    await mesh.supervisor.start('gateway', 0);
    const seen = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${mesh.supervisor.url('gateway')}/health/ready`);
      expect(res.status).toBe(200);
      seen.add(res.status);
    }
    expect(seen).toEqual(new Set([200]));
  });

  it('exits 0 after a graceful SIGTERM, for every service kind and replica', async () => {
    // Some work in flight, so the drain has something to finish.
    const user = mesh.newUser();
    for (let i = 0; i < 4; i++) {
      await mesh.client.submit(user, { prompt: `drain ${i}`, n: 2, width: 128, height: 128 });
    }
    const exits = [];
    for (const s of SERVICES) exits.push(...(await mesh.supervisor.stop(s)));
    expect(exits).toHaveLength(SERVICES.length + 2);
    for (const e of exits)
      expect({ service: e.service, replica: e.replica, code: e.code, signal: e.signal }).toEqual({
        service: e.service,
        replica: e.replica,
        code: 0,
        signal: null,
      });
  }, 120000);
});
