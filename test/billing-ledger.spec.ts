import { randomUUID } from 'node:crypto';
import { signSandboxWebhook } from '../apps/billing/src/payments/sandbox-payment.provider';
import { BillingHarness } from './support/billing-harness';

/** Billing's money and quota rules against the real PostgreSQL (domain services, no broker). */
describe('billing ledger, subscriptions, top-ups and quotas (PostgreSQL)', () => {
  const h = new BillingHarness();
  const secret = h.config.env.SANDBOX_WEBHOOK_SECRET;

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  /** A sandbox top-up created through the service, and the signed notification that would confirm it. */
  const sandboxTopUp = async (userId: string, kopecks: bigint) => {
    const { topUp } = await h.topUps.create({
      userId,
      amountKopecks: kopecks,
      provider: 'sandbox',
      idempotencyKey: `key-${randomUUID()}`,
      returnUrl: '',
    });
    const notify = (amount = kopecks, currency = 'RUB', at?: number) => {
      const body = JSON.stringify({
        type: 'notification',
        event: 'payment.succeeded',
        object: {
          id: topUp.provider_payment_id,
          status: 'succeeded',
          paid: true,
          amount: { value: `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}`, currency },
        },
      });
      return { body: Buffer.from(body), headers: { 'x-sandbox-signature': signSandboxWebhook(secret, body, at) } };
    };
    return { topUp, notify };
  };

  it('the database refuses to edit or delete ledger entries and to commit an unbalanced transaction', async () => {
    const user = randomUUID();
    await h.fund(user, 1000n);
    await expect(h.query('UPDATE billing.ledger_entries SET amount_kopecks = 1')).rejects.toThrow(/append-only/);
    await expect(h.query('DELETE FROM billing.ledger_transactions')).rejects.toThrow(/append-only/);
    const unbalanced = h.ds.transaction(async (m) => {
      const tx = randomUUID();
      await m.query(
        `INSERT INTO billing.ledger_transactions (id, kind, idempotency_key, description) VALUES ($1, 'admin_adjustment', $2, 'x')`,
        [tx, `test:${tx}`],
      );
      const [acc] = (await m.query(
        `SELECT id FROM billing.ledger_accounts WHERE code = 'equity:adjustments'`,
      )) as Array<{
        id: string;
      }>;
      await m.query(
        `INSERT INTO billing.ledger_entries (transaction_id, account_id, amount_kopecks, balance_after_kopecks)
         VALUES ($1, $2, 5, 0)`,
        [tx, acc.id],
      );
    });
    await expect(unbalanced).rejects.toThrow(/does not balance/);
    expect((await h.ledger.audit()).consistent).toBe(true);
  });

  it('grants exactly the allowance to 200 concurrent reservations (allowance 50)', async () => {
    await h.plans.upsert(
      {
        code: 'fifty',
        name: 'Fifty',
        monthlyPriceKopecks: 100n,
        currency: 'RUB',
        monthlyImages: 50,
        maxImagesPerRequest: 4,
        autoPromptEnhance: true,
        autoBestSelection: false,
        brandProfileLimit: 1,
        loraLimit: 0,
        priority: 0,
        active: true,
        sortOrder: 9,
      },
      'admin',
    );
    const user = randomUUID();
    await h.fund(user, 100n);
    expect((await h.subscriptions.change(user, 'fifty')).change).toBe('purchased');
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => h.reserve(user, 1)));
    expect(outcomes.filter((o) => o === 'reserved')).toHaveLength(50);
    expect(outcomes.filter((o) => o === 'quota_exceeded')).toHaveLength(150);
    const [sub] = await h.query<{ period_key: string }>(
      'SELECT period_key FROM billing.subscriptions WHERE user_id = $1',
      [user],
    );
    const [usage] = await h.query<{ reserved: number; allowance: number }>(
      'SELECT reserved, allowance FROM billing.quota_usage WHERE user_id = $1 AND period = $2',
      [user, sub.period_key],
    );
    expect(usage).toEqual({ reserved: 50, allowance: 50 });
    const events = await h.query<{ type: string; c: number }>(
      `SELECT type, count(*)::int AS c FROM billing.outbox WHERE correlation_id::uuid IN
         (SELECT generation_id FROM billing.quota_reservations WHERE user_id = $1
          UNION SELECT generation_id FROM billing.quota_rejections WHERE user_id = $1) GROUP BY type ORDER BY type`,
      [user],
    );
    expect(events).toEqual([
      { type: 'quota.rejected', c: 150 },
      { type: 'quota.reserved', c: 50 },
    ]);
  });

  it('never refuses a request while allowance remains, also when a new period opens under concurrency', async () => {
    for (let round = 0; round < 5; round++) {
      const user = randomUUID(); // no usage row yet: all 10 race to open the period
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => h.reserve(user, 1)));
      expect(outcomes).toEqual(Array(10).fill('reserved'));
    }
  });

  it('rejects more images per request than the plan allows, with the plan features on the reservation', async () => {
    const user = randomUUID();
    expect(await h.reserve(user, 5)).toBe('too_many_images_for_plan');
    const gen = randomUUID();
    expect(await h.reserve(user, 2, gen)).toBe('reserved');
    await h.commit(gen, 1);
    const [usage] = await h.query<{ committed: number; reserved: number }>(
      'SELECT committed, reserved FROM billing.quota_usage WHERE user_id = $1',
      [user],
    );
    expect(usage).toEqual({ committed: 1, reserved: 0 });
  });

  it('credits a webhook replayed 10 times (concurrently and again in sequence) exactly once', async () => {
    const user = randomUUID();
    const { topUp, notify } = await sandboxTopUp(user, 50000n);
    const { body, headers } = notify();
    const parallel = await Promise.all(
      Array.from({ length: 10 }, () => h.topUps.handleWebhook('sandbox', body, headers)),
    );
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push(await h.topUps.handleWebhook('sandbox', body, headers));
    const outcomes = [...parallel, ...sequential].map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'credited')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    expect([...parallel, ...sequential].every((r) => r.status === 200)).toBe(true);
    expect(await h.balance(user)).toBe(50000n);
    const [status] = await h.query<{ status: string }>('SELECT status FROM billing.top_ups WHERE id = $1', [topUp.id]);
    expect(status.status).toBe('succeeded');
    const deliveries = await h.query<{ c: number }>(
      'SELECT count(*)::int AS c FROM billing.webhook_deliveries WHERE provider_payment_id = $1',
      [topUp.provider_payment_id],
    );
    expect(deliveries[0].c).toBe(20);
    const events = await h.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM billing.outbox WHERE type = 'wallet.topped_up' AND correlation_id = $1`,
      [topUp.id],
    );
    expect(events[0].c).toBe(1);
  });

  it('rejects a bad signature, a stale one, a mismatched amount or currency, and credits nothing', async () => {
    const user = randomUUID();
    const { topUp, notify } = await sandboxTopUp(user, 20000n);
    const good = notify();
    const forged = await h.topUps.handleWebhook('sandbox', good.body, {
      'x-sandbox-signature': signSandboxWebhook('a-different-secret-entirely', good.body),
    });
    expect([forged.status, forged.code]).toEqual([401, 'bad_signature']);
    const tampered = Buffer.from(good.body.toString().replace('200.00', '2000.00'));
    expect((await h.topUps.handleWebhook('sandbox', tampered, good.headers)).code).toBe('bad_signature');
    const unsigned = await h.topUps.handleWebhook('sandbox', good.body, {});
    expect(unsigned.status).toBe(401);
    const stale = notify(20000n, 'RUB', Math.floor(Date.now() / 1000) - 3600);
    expect((await h.topUps.handleWebhook('sandbox', stale.body, stale.headers)).code).toBe('stale_signature');
    const wrongAmount = notify(20001n);
    const mismatch = await h.topUps.handleWebhook('sandbox', wrongAmount.body, wrongAmount.headers);
    expect([mismatch.status, mismatch.code]).toEqual([422, 'amount_mismatch']);
    const wrongCurrency = notify(20000n, 'USD');
    expect((await h.topUps.handleWebhook('sandbox', wrongCurrency.body, wrongCurrency.headers)).code).toBe(
      'amount_mismatch',
    );
    expect(await h.balance(user)).toBe(0n);
    const [row] = await h.query<{ status: string }>('SELECT status FROM billing.top_ups WHERE id = $1', [topUp.id]);
    expect(row.status).toBe('pending');
    const recorded = await h.query<{ outcome: string }>(
      `SELECT outcome FROM billing.webhook_deliveries WHERE body LIKE '%' || $1 || '%' ORDER BY id`,
      [topUp.provider_payment_id],
    );
    expect(recorded.map((r) => r.outcome)).toEqual([
      'rejected:bad_signature',
      'rejected:bad_signature',
      'rejected:bad_signature',
      'rejected:stale_signature',
      'rejected:amount_mismatch',
      'rejected:amount_mismatch',
    ]);
    // The genuine notification still credits afterwards.
    expect((await h.topUps.handleWebhook('sandbox', good.body, good.headers)).outcome).toBe('credited');
    expect(await h.balance(user)).toBe(20000n);
  });

  it('makes a top-up idempotent per key and refuses the key for another amount', async () => {
    const user = randomUUID();
    const key = `same-key-${randomUUID()}`;
    const a = await h.topUps.create({
      userId: user,
      amountKopecks: 30000n,
      provider: 'sandbox',
      idempotencyKey: key,
      returnUrl: '',
    });
    const b = await h.topUps.create({
      userId: user,
      amountKopecks: 30000n,
      provider: 'sandbox',
      idempotencyKey: key,
      returnUrl: '',
    });
    expect([a.created, b.created]).toEqual([true, false]);
    expect(b.topUp.id).toBe(a.topUp.id);
    expect(b.topUp.provider_payment_id).toBe(a.topUp.provider_payment_id);
    await expect(
      h.topUps.create({ userId: user, amountKopecks: 30001n, provider: 'sandbox', idempotencyKey: key, returnUrl: '' }),
    ).rejects.toMatchObject({ code: 'idempotency_conflict' });
    await expect(
      h.topUps.create({
        userId: user,
        amountKopecks: 1n,
        provider: 'sandbox',
        idempotencyKey: `k-${randomUUID()}`,
        returnUrl: '',
      }),
    ).rejects.toMatchObject({ code: 'invalid_amount' });
  });

  it('refuses a purchase the wallet cannot pay with the missing amount, and charges nothing', async () => {
    const user = randomUUID();
    await h.fund(user, 40000n);
    await expect(h.subscriptions.change(user, 'start')).rejects.toMatchObject({
      code: 'insufficient_funds',
      missingKopecks: 9000n,
    });
    expect(await h.balance(user)).toBe(40000n);
    expect((await h.subscriptions.effectivePlan(h.manager(), user)).plan.code).toBe('free');
    await expect(h.subscriptions.change(user, 'nope')).rejects.toMatchObject({ code: 'unknown_plan' });
  });

  it('buys, then asking again changes nothing; upgrades prorated; downgrades at period end', async () => {
    const user = randomUUID();
    await h.fund(user, 300000n);
    const bought = await h.subscriptions.change(user, 'start');
    expect([bought.change, bought.chargedKopecks, bought.walletBalanceKopecks]).toEqual(['purchased', 49000n, 251000n]);
    const again = await h.subscriptions.change(user, 'start');
    expect([again.change, again.chargedKopecks]).toEqual(['unchanged', 0n]);
    // Half the period has passed: the unused half of Start (24 500) is credited against Pro (149 000).
    await h.query(
      `UPDATE billing.subscriptions SET period_start = now() - interval '15 days', period_end = now() + interval '15 days'
        WHERE user_id = $1`,
      [user],
    );
    const up = await h.subscriptions.change(user, 'pro');
    expect(up.change).toBe('upgraded');
    expect(Number(up.creditedKopecks)).toBeGreaterThanOrEqual(24499);
    expect(Number(up.creditedKopecks)).toBeLessThanOrEqual(24500);
    expect(up.chargedKopecks).toBe(149000n - up.creditedKopecks);
    expect(up.walletBalanceKopecks).toBe(251000n - up.chargedKopecks);
    const down = await h.subscriptions.change(user, 'start');
    expect([down.change, down.subscription.plan_code, down.subscription.next_plan_code]).toEqual([
      'downgrade_scheduled',
      'pro',
      'start',
    ]);
    const before = await h.balance(user);
    await h.endPeriodNow(user);
    expect(await h.subscriptions.renewDue()).toBe(1);
    const [sub] = await h.query<{ plan_code: string; next_plan_code: string | null }>(
      'SELECT plan_code, next_plan_code FROM billing.subscriptions WHERE user_id = $1',
      [user],
    );
    expect(sub).toEqual({ plan_code: 'start', next_plan_code: null });
    expect(await h.balance(user)).toBe(before - 49000n);
  });

  it('renews with enough money, falls back to Free with too little, and gives a fresh allowance', async () => {
    const rich = randomUUID();
    const poor = randomUUID();
    for (const u of [rich, poor]) {
      await h.fund(u, 49000n);
      await h.subscriptions.change(u, 'start');
    }
    await h.fund(rich, 49000n);
    await h.fund(poor, 48999n);
    const [oldKey] = await h.query<{ period_key: string }>(
      'SELECT period_key FROM billing.subscriptions WHERE user_id = $1',
      [rich],
    );
    await h.endPeriodNow(rich);
    await h.endPeriodNow(poor);
    expect(await h.subscriptions.renewDue()).toBe(2);
    const rows = await h.query<{ user_id: string; plan_code: string; period_key: string | null }>(
      'SELECT user_id, plan_code, period_key FROM billing.subscriptions WHERE user_id = ANY($1::uuid[])',
      [[rich, poor]],
    );
    const byUser = Object.fromEntries(rows.map((r) => [r.user_id, r]));
    expect(byUser[rich].plan_code).toBe('start');
    expect(byUser[rich].period_key).not.toBe(oldKey.period_key);
    expect(byUser[poor]).toMatchObject({ plan_code: 'free', period_key: null });
    expect(await h.balance(rich)).toBe(0n);
    expect(await h.balance(poor)).toBe(48999n);
    const changes = await h.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM billing.outbox WHERE type = 'subscription.changed' AND correlation_id = $1`,
      [poor],
    );
    expect(changes[0].c).toBe(1); // renewal_failed (no money moved, correlated by user)
    expect(await h.subscriptions.renewDue()).toBe(0);
  });

  it('cancels at period end: keeps the plan until then, expires to Free, charges nothing more', async () => {
    const user = randomUUID();
    await h.fund(user, 100000n);
    await h.subscriptions.change(user, 'start');
    const cancelled = await h.subscriptions.cancel(user);
    expect([cancelled.change, cancelled.subscription.plan_code, cancelled.subscription.cancel_at_period_end]).toEqual([
      'cancel_scheduled',
      'start',
      true,
    ]);
    expect((await h.subscriptions.effectivePlan(h.manager(), user)).plan.code).toBe('start');
    await h.endPeriodNow(user);
    await h.subscriptions.renewDue();
    expect((await h.subscriptions.effectivePlan(h.manager(), user)).plan.code).toBe('free');
    expect(await h.balance(user)).toBe(51000n);
    await expect(h.subscriptions.cancel(user)).rejects.toMatchObject({ code: 'not_subscribed' });
    // Resuming before the end is the same PUT: covered by 'resumed'.
    await h.subscriptions.change(user, 'start');
    await h.subscriptions.cancel(user);
    expect((await h.subscriptions.change(user, 'start')).change).toBe('resumed');
  });

  it('audit: the cached balances equal the ledger after all of the above', async () => {
    const audit = await h.ledger.audit();
    expect(audit).toMatchObject({
      consistent: true,
      totalKopecks: 0n,
      mismatchedAccounts: 0,
      unbalancedTransactions: 0,
      negativeWallets: 0,
    });
    expect(audit.accountsChecked).toBeGreaterThan(10);
  });
});
