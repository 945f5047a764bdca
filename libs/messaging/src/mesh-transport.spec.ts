import { loadConfig } from '@atelier/config';
import type { MeshTransportDeps } from './mesh-transport';
import { MeshTransport } from './mesh-transport';

describe('MeshTransport handler registration', () => {
  // listen() refuses before touching the broker or the database, so those ports stay empty here.
  const transport = () => new MeshTransport({ config: loadConfig('judge', {}) } as MeshTransportDeps);
  const listen = (t: MeshTransport) => new Promise<unknown>((resolve) => void t.listen((err) => resolve(err)));
  const handler = () => Object.assign(async () => undefined, {});

  it('fails listen when an event type has two handle methods in one service', async () => {
    const t = transport();
    t.addHandler('images.generated', handler(), true, {});
    t.addHandler('images.generated', handler(), true, { phase: 'handle' });
    expect(String(await listen(t))).toMatch(/two handle handlers for images\.generated in judge/);
  });

  it('fails listen on a prepare phase without a handle, an unknown event, or another service’s RPC', async () => {
    const t = transport();
    t.addHandler('images.generated', handler(), true, { phase: 'prepare' });
    t.addHandler('no.such_event', handler(), true, {});
    t.addHandler('billing.get_account', handler(), false, {});
    const err = String(await listen(t));
    expect(err).toMatch(/images\.generated has a prepare\/giveUp phase but no handle/);
    expect(err).toMatch(/no\.such_event'\) is not an event of the mesh/);
    expect(err).toMatch(/billing\.get_account is served by billing/);
  });
});
