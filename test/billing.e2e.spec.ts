import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SubscriptionChangedSchema, fromBinary } from '@atelier/contracts';
import { startFakeHttpServer, type FakeHttpServer } from './support/fake-http-server';
import { TestMesh } from './support/test-mesh';

interface FakePayment {
  id: string;
  status: 'pending' | 'succeeded' | 'canceled';
  paid: boolean;
  amount: { value: string; currency: string };
  confirmation: { type: 'redirect'; confirmation_url: string };
  metadata: Record<string, string>;
}

const SHOP_ID = '506751';
const SECRET_KEY = 'test_Fh8hUAVVBGUGbjmlzba6TB0iyUbos_lueTHE-axOwM0';

/** A local server speaking the YooKassa v3 payments API: Basic auth, Idempotence-Key, create and get. */
async function fakeYooKassa(): Promise<FakeHttpServer & { payments: Map<string, FakePayment> }> {
  const payments = new Map<string, FakePayment>();
  const byKey = new Map<string, string>();
  const json = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = await startFakeHttpServer((req, body, res) => {
    const auth = `Basic ${Buffer.from(`${SHOP_ID}:${SECRET_KEY}`).toString('base64')}`;
    if (req.headers.authorization !== auth) return json(res, 401, { type: 'error', code: 'invalid_credentials' });
    if (req.method === 'POST' && req.url === '/v3/payments') {
      const key = req.headers['idempotence-key'];
      if (typeof key !== 'string') return json(res, 400, { type: 'error', code: 'invalid_request' });
      const existing = byKey.get(key);
      if (existing) return json(res, 200, payments.get(existing) ?? {});
      const input = JSON.parse(body) as { amount: FakePayment['amount']; metadata: Record<string, string> };
      const id = `2d${randomUUID().slice(2)}`;
      const p: FakePayment = {
        id,
        status: 'pending',
        paid: false,
        amount: input.amount,
        confirmation: { type: 'redirect', confirmation_url: `https://yoomoney.example/checkout?orderId=${id}` },
        metadata: input.metadata,
      };
      payments.set(id, p);
      byKey.set(key, id);
      return json(res, 200, p);
    }
    const m = /^\/v3\/payments\/([\w-]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && m) {
      const p = payments.get(m[1]);
      return p ? json(res, 200, p) : json(res, 404, { type: 'error', code: 'not_found' });
    }
    json(res, 404, { type: 'error', code: 'not_found' });
  });
  return Object.assign(server, { payments });
}

describe('billing through the gateway and billing processes (PostgreSQL, RabbitMQ)', () => {
  let yookassa: Awaited<ReturnType<typeof fakeYooKassa>>;
  const billingEnv: Record<string, string> = { SUBSCRIPTION_SWEEP_INTERVAL_MS: '300' };
  const mesh = new TestMesh({ services: ['gateway', 'billing'], serviceEnv: { billing: billingEnv } });
  const gw = () => mesh.supervisor.url('gateway');
  const billing = () => mesh.supervisor.url('billing');

  const api = async (
    method: string,
    path: string,
    user: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, never> & Record<string, unknown> }> => {
    const res = await fetch(`${gw()}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-user-id': user, ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, never> };
  };
  const admin = (user: string, kopecks: number) =>
    api(
      'POST',
      `/v1/admin/billing/wallets/${user}/adjustments`,
      mesh.newUser(),
      { amountKopecks: kopecks, reason: 'e2e funding' },
      {
        'x-user-role': 'admin',
        'idempotency-key': `fund-${randomUUID()}`,
      },
    );
  const webhook = (provider: string, body: object | string, headers: Record<string, string> = {}) =>
    fetch(`${billing()}/v1/billing/webhooks/${provider}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    yookassa = await fakeYooKassa();
    Object.assign(billingEnv, {
      YOOKASSA_API_URL: `${yookassa.url}/v3`,
      YOOKASSA_SHOP_ID: SHOP_ID,
      YOOKASSA_SECRET_KEY: SECRET_KEY,
    });
    await mesh.start();
  }, 120000);
  afterAll(async () => {
    await mesh.stop();
    await yookassa.close();
  }, 60000);

  it('serves plans, balance, 402 with the missing amount, top-up, purchase, statement and cancel', async () => {
    const user = mesh.newUser();
    const plans = await fetch(`${gw()}/v1/plans`).then(
      (r) => r.json() as Promise<{ plans: Array<{ code: string; monthlyPriceKopecks: number }> }>,
    );
    expect(plans.plans.map((p) => [p.code, p.monthlyPriceKopecks])).toEqual([
      ['free', 0],
      ['start', 49000],
      ['pro', 149000],
      ['business', 499000],
    ]);
    const fresh = await api('GET', '/v1/account/billing', user);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ wallet: { balanceKopecks: 0, currency: 'RUB' }, plan: { code: 'free' } });

    const poor = await api('PUT', '/v1/account/subscription', user, { plan: 'start' });
    expect(poor.status).toBe(402);
    expect(poor.body).toMatchObject({
      error: { code: 'insufficient_funds', details: { missingKopecks: 49000, currency: 'RUB' } },
    });

    expect((await api('POST', '/v1/account/top-ups', user, { amountKopecks: 100000 })).body).toMatchObject({
      error: { code: 'idempotency_key_required' },
    });
    expect(
      (await api('POST', '/v1/account/top-ups', user, { amountKopecks: 1.5 }, { 'idempotency-key': 'abcdefgh1' }))
        .status,
    ).toBe(400);
    const key = { 'idempotency-key': `topup-${randomUUID()}` };
    const created = await api('POST', '/v1/account/top-ups', user, { amountKopecks: 100000 }, key);
    const again = await api('POST', '/v1/account/top-ups', user, { amountKopecks: 100000 }, key);
    expect(created.status).toBe(201);
    const topUp = created.body.topUp as { id: string; status: string; confirmationUrl: string };
    expect(topUp.status).toBe('pending');
    expect(again.body).toMatchObject({
      created: false,
      topUp: { id: topUp.id, confirmationUrl: topUp.confirmationUrl },
    });
    const paymentId = topUp.confirmationUrl.split('/').pop() ?? '';

    // A forged notification is refused at billing's webhook; the sandbox payer confirms for real.
    const forged = await webhook(
      'sandbox',
      { event: 'payment.succeeded', object: { id: paymentId, amount: { value: '1000.00', currency: 'RUB' } } },
      {
        'x-sandbox-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
    );
    expect(forged.status).toBe(401);
    const confirm = await fetch(`${billing()}/v1/billing/sandbox/confirm/${paymentId}`, { method: 'POST' });
    expect(await confirm.json()).toMatchObject({ outcome: 'credited' });
    const history = await api('GET', '/v1/account/top-ups', user);
    expect(history.body).toMatchObject({ topUps: [{ id: topUp.id, status: 'succeeded', amountKopecks: 100000 }] });

    const bought = await api('PUT', '/v1/account/subscription', user, { plan: 'start' });
    expect(bought.body).toMatchObject({
      change: 'purchased',
      chargedKopecks: 49000,
      wallet: { balanceKopecks: 51000 },
    });
    expect((await api('PUT', '/v1/account/subscription', user, { plan: 'start' })).body).toMatchObject({
      change: 'unchanged',
      chargedKopecks: 0,
    });
    expect((await api('PUT', '/v1/account/subscription', user, { plan: 'gold' })).status).toBe(404);

    const summary = await api('GET', '/v1/account/billing', user);
    expect(summary.body).toMatchObject({
      wallet: { balanceKopecks: 51000 },
      plan: { code: 'start', name: 'Start', limits: { monthlyImages: 300, brandProfileLimit: 3 } },
      subscription: { cancelAtPeriodEnd: false },
      usage: { allowance: 300, committed: 0, reserved: 0, remaining: 300 },
    });
    const legacy = await api('GET', '/v1/account', user);
    expect(legacy.body).toMatchObject({ plan: 'start', wallet: { balanceKopecks: 51000 } });

    const page1 = await api('GET', '/v1/account/ledger?limit=1', user);
    expect(page1.body).toMatchObject({
      balanceKopecks: 51000,
      entries: [{ kind: 'subscription_charge', amountKopecks: -49000, balanceAfterKopecks: 51000 }],
    });
    const page2 = await api('GET', `/v1/account/ledger?limit=1&cursor=${String(page1.body.nextCursor)}`, user);
    expect(page2.body).toMatchObject({
      entries: [{ kind: 'top_up', amountKopecks: 100000, balanceAfterKopecks: 100000 }],
      nextCursor: null,
    });

    const cancelled = await api('DELETE', '/v1/account/subscription', user);
    expect(cancelled.body).toMatchObject({ subscription: { plan: 'start', cancelAtPeriodEnd: true } });
    // At period end the scheduler moves the user to Free.
    await mesh.query(
      `UPDATE billing.subscriptions SET period_start = now() - interval '31 days', period_end = now() - interval '1 second' WHERE user_id = $1`,
      [user],
    );
    await mesh.waitFor(
      async () => {
        const r = await api('GET', '/v1/account/billing', user);
        return (r.body.plan as { code: string }).code === 'free' ? true : undefined;
      },
      15000,
      'expiry to free',
    );
  });

  it('admin endpoints need the admin role; adjustments are idempotent; the audit proves the ledger', async () => {
    const user = mesh.newUser();
    const denied = await api(
      'POST',
      `/v1/admin/billing/wallets/${user}/adjustments`,
      mesh.newUser(),
      { amountKopecks: 100, reason: 'x y z' },
      { 'idempotency-key': 'adj-key-0001' },
    );
    expect(denied.status).toBe(403);
    const headers = { 'x-user-role': 'admin', 'idempotency-key': `adj-${randomUUID()}` };
    const first = await api(
      'POST',
      `/v1/admin/billing/wallets/${user}/adjustments`,
      mesh.newUser(),
      { amountKopecks: 700, reason: 'goodwill' },
      headers,
    );
    const second = await api(
      'POST',
      `/v1/admin/billing/wallets/${user}/adjustments`,
      mesh.newUser(),
      { amountKopecks: 700, reason: 'goodwill' },
      headers,
    );
    expect(first.body).toMatchObject({ balanceKopecks: 700, created: true });
    expect(second.body).toMatchObject({ balanceKopecks: 700, created: false, transactionId: first.body.transactionId });
    const overdraw = await api(
      'POST',
      `/v1/admin/billing/wallets/${user}/adjustments`,
      mesh.newUser(),
      { amountKopecks: -701, reason: 'chargeback' },
      { ...headers, 'idempotency-key': `adj-${randomUUID()}` },
    );
    expect(overdraw.body).toMatchObject({ error: { code: 'insufficient_funds', details: { missingKopecks: 1 } } });
    const plan = await api(
      'PUT',
      '/v1/admin/billing/plans/studio',
      mesh.newUser(),
      {
        name: 'Studio',
        monthlyPriceKopecks: 99000,
        monthlyImages: 800,
        maxImagesPerRequest: 4,
        autoPromptEnhance: true,
        autoBestSelection: true,
        brandProfileLimit: 5,
        loraLimit: 1,
        priority: 2,
        active: true,
        sortOrder: 5,
      },
      { 'x-user-role': 'admin' },
    );
    expect(plan.body).toMatchObject({
      plan: { code: 'studio', monthlyPriceKopecks: 99000, limits: { monthlyImages: 800 } },
    });
    const audit = await api('GET', '/v1/admin/billing/ledger/audit', mesh.newUser(), undefined, {
      'x-user-role': 'admin',
    });
    expect(audit.body).toMatchObject({ consistent: true, totalKopecks: 0, mismatchedAccounts: 0, negativeWallets: 0 });
  });

  it('YooKassa-style top-up: create payment → confirmation URL → verified payment.succeeded credits once', async () => {
    const user = mesh.newUser();
    const created = await api(
      'POST',
      '/v1/account/top-ups',
      user,
      { amountKopecks: 150000, provider: 'yookassa', returnUrl: 'http://localhost:3000/account' },
      { 'idempotency-key': `yk-${randomUUID()}` },
    );
    const topUp = created.body.topUp as { id: string; confirmationUrl: string };
    expect(topUp.confirmationUrl).toMatch(/^https:\/\/yoomoney\.example\/checkout\?orderId=/);
    const call = yookassa.requests.find((r) => r.method === 'POST' && r.body.includes(topUp.id));
    expect(JSON.parse(call?.body ?? '{}')).toMatchObject({
      amount: { value: '1500.00', currency: 'RUB' },
      capture: true,
      confirmation: { type: 'redirect', return_url: 'http://localhost:3000/account' },
      metadata: { top_up_id: topUp.id },
    });
    const payment = [...yookassa.payments.values()].find((p) => p.metadata.top_up_id === topUp.id);
    if (!payment) throw new Error('payment not created at the provider');
    const notification = {
      type: 'notification',
      event: 'payment.succeeded',
      object: { ...payment, status: 'succeeded', paid: true },
    };

    // Not paid yet at the provider: the notification is not believed.
    expect((await webhook('yookassa', notification)).status).toBe(401);
    // A payment the provider never heard of.
    expect(
      (await webhook('yookassa', { ...notification, object: { ...notification.object, id: '2dunknown-payment' } }))
        .status,
    ).toBe(401);
    expect((await webhook('yookassa', '{"event": ')).status).toBe(400);

    payment.status = 'succeeded';
    payment.paid = true;
    const deliveries = await Promise.all(Array.from({ length: 10 }, () => webhook('yookassa', notification)));
    const outcomes = await Promise.all(deliveries.map((d) => d.json() as Promise<{ outcome: string }>));
    expect(deliveries.map((d) => d.status)).toEqual(Array(10).fill(200));
    expect(outcomes.filter((o) => o.outcome === 'credited')).toHaveLength(1);
    expect((await api('GET', '/v1/account/billing', user)).body).toMatchObject({ wallet: { balanceKopecks: 150000 } });
  });

  it('crash after the charge commits, before its event is published: published after restart, nothing doubled', async () => {
    const user = mesh.newUser();
    expect((await admin(user, 200000)).status).toBe(201);
    // Our own queue on the mesh exchange sees every subscription.changed the relay publishes.
    const ch = await (await mesh.amqp()).createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, `${mesh.namespace}.events`, 'subscription.changed');

    billingEnv.FAULT_CRASH_AFTER_COMMIT = 'change_subscription';
    await mesh.supervisor.stop('billing');
    await mesh.supervisor.start('billing');
    const during = await api('PUT', '/v1/account/subscription', user, { plan: 'pro' });
    expect(during.status).toBe(503); // billing died before answering
    await mesh.waitFor(
      () =>
        fetch(`${billing()}/health/live`).then(
          () => undefined,
          () => true,
        ),
      15000,
      'billing to die',
    );
    // Committed, not published: the charge and its outbox row are there, the row still unpublished.
    const outbox = `SELECT published_at FROM billing.outbox WHERE type = 'subscription.changed' AND correlation_id IN
                      (SELECT id::text FROM billing.ledger_transactions WHERE user_id = $1)`;
    expect(await mesh.query(outbox, [user])).toEqual([{ published_at: null }]);

    delete billingEnv.FAULT_CRASH_AFTER_COMMIT;
    await mesh.supervisor.start('billing');
    await mesh.waitFor(
      async () => {
        const rows = await mesh.query<{ published_at: Date | null }>(outbox, [user]);
        return rows.length === 1 && rows[0].published_at ? true : undefined;
      },
      20000,
      'outbox relay after restart',
    );
    const retried = await api('PUT', '/v1/account/subscription', user, { plan: 'pro' });
    expect(retried.body).toMatchObject({ change: 'unchanged', wallet: { balanceKopecks: 200000 - 149000 } });

    const events = [];
    for (let msg = await ch.get(queue, { noAck: true }); msg; msg = await ch.get(queue, { noAck: true })) {
      events.push(fromBinary(SubscriptionChangedSchema, msg.content));
    }
    expect(events.filter((e) => e.userId === user).map((e) => [e.change, e.plan, e.chargedKopecks])).toEqual([
      ['purchased', 'pro', 149000n],
    ]);
    const charges = await mesh.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM billing.ledger_transactions WHERE user_id = $1 AND kind = 'subscription_charge'`,
      [user],
    );
    expect(charges[0].c).toBe(1);
    await ch.close();
  });
});
