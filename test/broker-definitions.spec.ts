import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';
import { brokerDefinitions, monitorUserOf } from '@atelier/messaging';
import { applyDefinitions } from '../scripts/broker-setup';

const ctl = (...args: string[]): string => execFileSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8' });

/** The definitions file, loaded into the real RabbitMQ, is the trust boundary broker:setup builds. */
describe('broker definitions file (real RabbitMQ)', () => {
  const ns = `bd-${randomBytes(4).toString('hex')}`;
  const password = (user: string) => `pw-${user}-${ns}`;
  const url = (user: string, pw = password(user)) =>
    `amqp://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:5672`;
  const users = brokerDefinitions(ns, '/').users.map((u) => u.name);

  // Through stdin: the broker node reads a file as its own OS user, which cannot see a private temp folder.
  const load = (defs: unknown) =>
    execFileSync('rabbitmqctl', ['-q', 'import_definitions', '--format', 'json'], { input: JSON.stringify(defs) });
  const userExists = () => ctl('list_users').includes(`${ns}-billing`);

  /** Resolves with the broker's answer to a publish: 'accepted' or the refusal. */
  const publish = async (login: string, routingKey: string): Promise<string> => {
    const conn = await amqplib.connect(login);
    conn.on('error', () => undefined);
    let refused = '';
    const ch = await conn.createConfirmChannel();
    ch.on('error', (err: Error) => (refused = err.message));
    try {
      // The mesh's services declare the exchange; here the billing user may (its grants cover `<ns>.events`).
      await ch.assertExchange(`${ns}.events`, 'topic', { durable: true }).catch(() => undefined);
      ch.publish(`${ns}.events`, routingKey, Buffer.from('x'));
      await ch.waitForConfirms();
    } catch (err) {
      refused ||= (err as Error).message;
    }
    await conn.close().catch(() => undefined);
    return refused ? `refused: ${refused}` : 'accepted';
  };

  afterAll(async () => {
    const conn = await amqplib.connect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await conn.createChannel();
    await ch.deleteExchange(`${ns}.events`).catch(() => undefined);
    await conn.close().catch(() => undefined);
    for (const u of users) {
      try {
        ctl('delete_user', u);
      } catch {
        // not created
      }
    }
  });

  it('the template creates the users with their grants but no way to log in', async () => {
    load(brokerDefinitions(ns, '/'));
    for (let i = 0; i < 50 && !userExists(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(userExists()).toBe(true);
    await expect(amqplib.connect(url(`${ns}-billing`, ''))).rejects.toThrow(/ACCESS_REFUSED|403/);
    await expect(amqplib.connect(url(`${ns}-billing`))).rejects.toThrow(/ACCESS_REFUSED|403/);
  }, 30000);

  it('with passwords: each service logs in and may publish only the event types it produces', async () => {
    load(brokerDefinitions(ns, '/', password));
    const billing = url(`${ns}-billing`);
    for (let i = 0; i < 50; i++) {
      const ok = await amqplib.connect(billing).then(
        (c) => c.close().then(() => true),
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await publish(billing, 'quota.reserved')).toBe('accepted');
    expect(await publish(billing, 'generation.completed')).toMatch(/refused: .*ACCESS_REFUSED/);
    expect(await publish(url(`${ns}-gateway`), 'quota.reserved')).toMatch(/refused: .*ACCESS_REFUSED/);
    await expect(amqplib.connect(url(`${ns}-billing`, 'wrong'))).rejects.toThrow(/ACCESS_REFUSED|403/);
  }, 30000);

  it('the monitor user can neither publish nor consume', async () => {
    const monitor = url(monitorUserOf(ns));
    expect(await publish(monitor, 'quota.reserved')).toMatch(/refused: .*ACCESS_REFUSED/);
    const conn = await amqplib.connect(monitor);
    conn.on('error', () => undefined);
    const ch = await conn.createChannel();
    let refused = '';
    ch.on('error', (err: Error) => (refused = err.message));
    await ch.consume(`${ns}.billing`, () => undefined).catch((err: Error) => (refused ||= err.message));
    await conn.close().catch(() => undefined);
    expect(refused).toMatch(/ACCESS_REFUSED/);
  }, 30000);

  it('the set-up jobs load it through the management API, and refuse without an administrator', async () => {
    const fresh = (user: string) => `new-${password(user)}`;
    const admin = { BROKER_MANAGEMENT_URL: 'http://127.0.0.1:15672', BROKER_ADMIN_USER: 'guest' };
    await expect(
      applyDefinitions(brokerDefinitions(ns, '/', fresh), { ...admin, BROKER_ADMIN_PASSWORD: 'wrong' }),
    ).rejects.toThrow(/HTTP 401/);
    await expect(amqplib.connect(url(`${ns}-judge`, fresh(`${ns}-judge`)))).rejects.toThrow(/ACCESS_REFUSED|403/);
    await applyDefinitions(brokerDefinitions(ns, '/', fresh), { ...admin, BROKER_ADMIN_PASSWORD: 'guest' });
    const conn = await amqplib.connect(url(`${ns}-judge`, fresh(`${ns}-judge`)));
    await conn.close();
  }, 30000);
});
