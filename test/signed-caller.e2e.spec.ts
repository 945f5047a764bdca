import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import amqplib, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { RPCS, create, fromBinary, toBinary, type RpcName } from '@atelier/contracts';
import { brokerGrants } from '@atelier/messaging';
import { INTERNAL_CALLER_HEADER, signInternalCaller } from '@atelier/service-kit';
import { setupBroker } from '../scripts/broker-setup';
import { AMQP_URL, TestMesh } from './support/test-mesh';

interface Answer {
  /** The transport's refusal code (x-rpc-error-code), if any. */
  errorCode?: string;
  errorClass?: string;
  reply?: Record<string, unknown>;
}

/**
 * The real billing process behind per-service broker users: holding the gateway's broker identity is not enough to
 * move money or edit plans; billing acts only for the caller the gateway signed (audience `billing`, one minute).
 */
describe('privileged billing calls carry a signed caller (RabbitMQ, PostgreSQL)', () => {
  const secret = randomBytes(32).toString('base64url');
  const passwords = new Map<string, string>();
  const password = (service: string): string => {
    if (!passwords.has(service)) passwords.set(service, randomBytes(18).toString('base64url'));
    return passwords.get(service) ?? '';
  };
  const billingEnv: Record<string, string> = {};
  const mesh = new TestMesh({
    services: ['billing'],
    env: { INTERNAL_CALLER_SECRET: secret, VERIFY_PRODUCER: 'true' },
    serviceEnv: { billing: billingEnv },
  });
  const ns = mesh.namespace;
  const brokerUrl = (service: string): string => {
    const u = new URL(AMQP_URL);
    u.username = `${ns}-${service}`;
    u.password = password(service);
    return u.toString();
  };
  let conn: ChannelModel;
  let ch: Channel;
  const pending = new Map<string, (msg: ConsumeMessage) => void>();

  beforeAll(async () => {
    setupBroker(ns, '/', password);
    billingEnv.AMQP_URL = brokerUrl('billing');
    await mesh.start();
    conn = await amqplib.connect(brokerUrl('gateway'));
    ch = await conn.createChannel();
    await ch.consume(
      'amq.rabbitmq.reply-to',
      (msg) => msg && pending.get(String(msg.properties.correlationId))?.(msg),
      { noAck: true },
    );
  }, 180000);

  afterAll(async () => {
    await conn?.close().catch(() => undefined);
    await mesh.stop();
    const guest = await amqplib.connect(AMQP_URL);
    const c = await guest.createChannel();
    await c.deleteQueue(`${ns}.billing.rpc`).catch(() => 0);
    await c.deleteExchange(`${ns}.rpc`).catch(() => 0);
    await guest.close().catch(() => undefined);
    for (const g of brokerGrants(ns)) execFileSync('rabbitmqctl', ['-q', 'delete_user', g.user]);
  }, 60000);

  /** Calls billing over the bus exactly as the gateway's broker user would, with the given caller token. */
  const call = async (name: RpcName, request: object, token?: string): Promise<Answer> => {
    const def = RPCS[name];
    const correlationId = randomUUID();
    const answered = new Promise<ConsumeMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no answer`)), 20000);
      pending.set(correlationId, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
    ch.publish(`${ns}.rpc`, name, Buffer.from(toBinary(def.request, create(def.request, request as never))), {
      correlationId,
      userId: `${ns}-gateway`,
      replyTo: 'amq.rabbitmq.reply-to',
      type: name,
      headers: token === undefined ? {} : { [INTERNAL_CALLER_HEADER]: token },
    });
    const msg = await answered;
    pending.delete(correlationId);
    const h = msg.properties.headers ?? {};
    if (h['x-rpc-error-code'])
      return { errorCode: String(h['x-rpc-error-code']), errorClass: String(h['x-rpc-error-class']) };
    return { reply: fromBinary(def.reply, msg.content) as unknown as Record<string, unknown> };
  };

  const adminId = randomUUID();
  const admin = (ttl = 60, key = secret, audience = 'billing') =>
    signInternalCaller(key, { userId: adminId, role: 'admin' }, audience, ttl);
  const user = (userId: string) => signInternalCaller(secret, { userId, role: 'user' }, 'billing');

  const walletState = async (userId: string) => ({
    accounts: await mesh.query(`SELECT balance_kopecks FROM billing.ledger_accounts WHERE user_id = $1`, [userId]),
    transactions: await mesh.query(`SELECT id FROM billing.ledger_transactions WHERE user_id = $1`, [userId]),
  });
  const plan = (code: string) =>
    mesh.query<{ name: string; edited_by: string | null }>(
      `SELECT name, edited_by FROM billing.plans WHERE code = $1`,
      [code],
    );
  const planInput = (code: string, name: string) => ({
    code,
    name,
    monthlyPriceKopecks: 99000n,
    currency: 'RUB',
    limits: { monthlyImages: 100, maxImagesPerRequest: 4 },
    active: true,
    sortOrder: 5,
  });

  it('refuses adjust_wallet and upsert_plan without a valid admin token, and changes nothing', async () => {
    const target = randomUUID();
    const forged = {
      'no token': undefined,
      'another secret': admin(60, randomBytes(32).toString('base64url')),
      expired: admin(-5),
      'another audience': admin(60, secret, 'recommender'),
      garbage: 'not-a-jwt',
      'a user, not an admin': user(target),
    };
    for (const [what, token] of Object.entries(forged)) {
      const adjust = await call(
        'billing.adjust_wallet',
        { adminId, userId: target, amountKopecks: 500_00n, reason: `forged: ${what}`, idempotencyKey: randomUUID() },
        token,
      );
      expect({ what, ...adjust }).toEqual({ what, errorCode: 'forbidden_caller', errorClass: 'caller' });
      const upsert = await call('billing.upsert_plan', { adminId, plan: planInput('sc_forged', what) }, token);
      expect({ what, ...upsert }).toEqual({ what, errorCode: 'forbidden_caller', errorClass: 'caller' });
    }
    expect(await walletState(target)).toEqual({ accounts: [], transactions: [] });
    expect(await plan('sc_forged')).toEqual([]);
  }, 120000);

  it('applies them for a valid admin token, with the admin id taken from the token, not the payload', async () => {
    const target = randomUUID();
    const named = randomUUID();
    const adjust = await call(
      'billing.adjust_wallet',
      {
        adminId: named,
        userId: target,
        amountKopecks: 250_00n,
        reason: 'signed funding',
        idempotencyKey: randomUUID(),
      },
      admin(),
    );
    expect(adjust.errorCode).toBeUndefined();
    expect(adjust.reply).toMatchObject({ balanceKopecks: 250_00n, created: true });
    const [tx] = await mesh.query<{ admin: string }>(
      `SELECT metadata->>'adminId' AS admin FROM billing.ledger_transactions WHERE user_id = $1`,
      [target],
    );
    expect(tx.admin).toBe(adminId);
    expect((await walletState(target)).accounts).toEqual([{ balance_kopecks: '25000' }]);

    const upsert = await call(
      'billing.upsert_plan',
      { adminId: named, plan: planInput('sc_signed', 'Signed') },
      admin(),
    );
    expect(upsert.errorCode).toBeUndefined();
    expect(await plan('sc_signed')).toEqual([{ name: 'Signed', edited_by: adminId }]);
  }, 120000);

  it('lets a user change only their own subscription', async () => {
    const owner = randomUUID();
    const intruder = randomUUID();
    const subscriptions = () => mesh.query(`SELECT plan_code FROM billing.subscriptions WHERE user_id = $1`, [owner]);
    for (const token of [undefined, user(intruder)]) {
      const r = await call('billing.change_subscription', { userId: owner, plan: 'free' }, token);
      expect(r).toEqual({ errorCode: 'forbidden_caller', errorClass: 'caller' });
    }
    expect(await subscriptions()).toEqual([]);
    const own = await call('billing.change_subscription', { userId: owner, plan: 'start' }, user(owner));
    // Their own call reaches billing's rules (an empty wallet cannot buy Start), not the caller check.
    expect(own.errorCode).toBeUndefined();
    expect(own.reply).toMatchObject({ error: { code: 'insufficient_funds' } });
  }, 120000);

  it('refuses refunds, the admin top-up list and the sandbox payer to anyone but the signed admin or payer', async () => {
    const payer = randomUUID();
    const created = await call(
      'billing.create_top_up',
      { userId: payer, amountKopecks: 500_00n, provider: 'sandbox', idempotencyKey: `sc-${randomUUID()}` },
      user(payer),
    );
    const topUp = (created.reply as { topUp: { id: string; confirmationUrl: string } }).topUp;
    const paymentId = topUp.confirmationUrl.split('/').pop() ?? '';
    const status = async () =>
      (await mesh.query<{ status: string }>('SELECT status FROM billing.top_ups WHERE id = $1', [topUp.id]))[0].status;
    // Someone else (or nobody) cannot pay or decline the payer's payment.
    for (const token of [undefined, user(randomUUID()), admin(-5)]) {
      const r = await call(
        'billing.settle_sandbox_payment',
        { userId: payer, providerPayment: paymentId, outcome: 'canceled' },
        token,
      );
      expect(r).toEqual({ errorCode: 'forbidden_caller', errorClass: 'caller' });
    }
    expect(await status()).toBe('pending');
    const paid = await call(
      'billing.settle_sandbox_payment',
      { userId: payer, providerPayment: paymentId, outcome: 'succeeded' },
      user(payer),
    );
    expect(paid.reply).toMatchObject({ result: 'credited', topUp: { status: 'succeeded' } });
    // Refunds and the list of everyone's top-ups are the admin's only.
    for (const token of [undefined, user(payer), admin(60, secret, 'recommender')]) {
      const refund = await call(
        'billing.refund_top_up',
        { adminId, topUpId: topUp.id, amountKopecks: 100_00n, reason: 'forged', idempotencyKey: `sc-${randomUUID()}` },
        token,
      );
      expect(refund).toEqual({ errorCode: 'forbidden_caller', errorClass: 'caller' });
      const list = await call('billing.admin_list_top_ups', { limit: 10 }, token);
      expect(list).toEqual({ errorCode: 'forbidden_caller', errorClass: 'caller' });
    }
    expect((await walletState(payer)).accounts).toEqual([{ balance_kopecks: '50000' }]);
    const key = `sc-${randomUUID()}`;
    const refund = await call(
      'billing.refund_top_up',
      {
        adminId: randomUUID(),
        topUpId: topUp.id,
        amountKopecks: 100_00n,
        reason: 'signed refund',
        idempotencyKey: key,
      },
      admin(),
    );
    expect(refund.reply).toMatchObject({ refundedKopecks: 100_00n, balanceKopecks: 400_00n, created: true });
    const replay = await call(
      'billing.refund_top_up',
      { adminId, topUpId: topUp.id, amountKopecks: 100_00n, reason: 'signed refund', idempotencyKey: key },
      admin(),
    );
    expect(replay.reply).toMatchObject({ refundedKopecks: 100_00n, balanceKopecks: 400_00n, created: false });
    const [tx] = await mesh.query<{ admin: string }>(
      `SELECT metadata->>'adminId' AS admin FROM billing.ledger_transactions WHERE user_id = $1 AND kind = 'refund'`,
      [payer],
    );
    expect(tx.admin).toBe(adminId);
  }, 120000);
});
