import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import { createServiceDataSource } from '@atelier/persistence';
import { LedgerRepository } from '../apps/billing/src/ledger/ledger.repository';
import { Ledger } from '../apps/billing/src/ledger/ledger.service';
import { PlanRepository } from '../apps/billing/src/plans/plan.repository';
import { PlanCatalog } from '../apps/billing/src/plans/plan-catalog.service';
import { QuotaReservationRepository } from '../apps/billing/src/quota/quota-reservation.repository';
import { QuotaReservations } from '../apps/billing/src/quota/quota-reservations.service';
import { ReservationExpiryScheduler } from '../apps/billing/src/quota/reservation-expiry.scheduler';
import { SubscriptionRepository } from '../apps/billing/src/subscriptions/subscription.repository';
import { SubscriptionRenewalScheduler } from '../apps/billing/src/subscriptions/subscription-renewal.scheduler';
import { Subscriptions } from '../apps/billing/src/subscriptions/subscriptions.service';
import { FaultInjector } from '../apps/billing/src/support/fault-injector';
import { BillingHarness } from './support/billing-harness';

jest.setTimeout(90000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts passes in flight across every replica: the schedulers' advisory lock must keep it at one. */
class Overlap {
  now = 0;
  max = 0;
  passes = 0;
  async around<T>(fn: () => Promise<T>): Promise<T> {
    this.now++;
    this.passes++;
    this.max = Math.max(this.max, this.now);
    try {
      // Long enough that two replicas ticking together would overlap without the lock.
      await sleep(150);
      return await fn();
    } finally {
      this.now--;
    }
  }
}

/**
 * Two billing "replicas" against one real database: each with its own connection pool and its own scheduler
 * instances, exactly as two billing processes would run them.
 */
describe('billing schedulers with two replicas', () => {
  const h = new BillingHarness({ SUBSCRIPTION_SWEEP_INTERVAL_MS: '100', RESERVATION_SWEEP_INTERVAL_MS: '100' });
  const pools: DataSource[] = [];

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    for (const ds of pools) await ds.destroy();
    await h.stop();
  });

  async function replica(overlap: Overlap) {
    const ds = createServiceDataSource({ ...h.config.database, poolSize: 5 }, {});
    await ds.initialize();
    pools.push(ds);
    const outbox = new Outbox(h.config);
    const plans = new PlanCatalog(new PlanRepository(), ds, h.config);
    await plans.onApplicationBootstrap();
    const subscriptions = new Subscriptions(
      ds,
      new SubscriptionRepository(),
      plans,
      new Ledger(new LedgerRepository(), ds),
      outbox,
      new FaultInjector(h.config),
    );
    const renewDue = subscriptions.renewDue.bind(subscriptions);
    subscriptions.renewDue = (limit?: number) => overlap.around(() => renewDue(limit));
    const quota = new QuotaReservations(new QuotaReservationRepository(), subscriptions, h.config);
    // No message backlog here: skip the restart grace a freshly started billing gives queued renewals.
    quota.consumingSince = new Date(0);
    const expiry = new ReservationExpiryScheduler(ds, quota, outbox, h.config);
    const sweep = expiry.sweep.bind(expiry);
    expiry.sweep = () => overlap.around(sweep);
    return { renewal: new SubscriptionRenewalScheduler(subscriptions, h.config, ds), expiry };
  }

  async function renewalCharges(user: string): Promise<number> {
    const [row] = await h.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM billing.ledger_transactions
        WHERE idempotency_key LIKE 'subscription:' || $1 || ':renewal:%'`,
      [user],
    );
    return row.n;
  }

  it('charges each due renewal exactly once and never runs two passes at a time', async () => {
    const users = Array.from({ length: 20 }, () => randomUUID());
    for (const u of users) {
      await h.fund(u, 200000n);
      await h.subscriptions.change(u, 'start');
      await h.endPeriodNow(u);
    }
    const overlap = new Overlap();
    const a = await replica(overlap);
    const b = await replica(overlap);
    a.renewal.onApplicationBootstrap();
    b.renewal.onApplicationBootstrap();
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      const [due] = await h.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM billing.subscriptions WHERE user_id = ANY($1) AND period_end <= now()',
        [users],
      );
      if (due.n === 0) break;
      await sleep(100);
    }
    // A few more ticks of both replicas after the work is done: nothing may be charged again.
    await sleep(600);
    await Promise.all([a.renewal.beforeApplicationShutdown(), b.renewal.beforeApplicationShutdown()]);

    expect(overlap.max).toBe(1);
    expect(overlap.passes).toBeGreaterThan(2);
    for (const u of users) {
      expect(await renewalCharges(u)).toBe(1);
      // 200 000 funded, 49 000 for the purchase and 49 000 for the one renewal.
      expect(await h.balance(u)).toBe(102000n);
    }
    const ledger = await h.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT t.id FROM billing.ledger_transactions t
         JOIN billing.ledger_entries e ON e.transaction_id = t.id GROUP BY t.id HAVING sum(e.amount_kopecks) <> 0) x`,
    );
    expect(ledger[0].n).toBe(0);
  });

  it('expires each overdue reservation once (one generation.failed per generation) with two sweepers', async () => {
    const user = randomUUID();
    await h.fund(user, 1000000n);
    await h.subscriptions.change(user, 'pro');
    const ids = Array.from({ length: 30 }, () => randomUUID());
    for (const id of ids) expect(await h.reserve(user, 1, id)).toBe('reserved');
    await h.query(
      `UPDATE billing.quota_reservations SET expires_at = now() - interval '1 second' WHERE generation_id = ANY($1)`,
      [ids],
    );
    const overlap = new Overlap();
    const a = await replica(overlap);
    const b = await replica(overlap);
    a.expiry.onApplicationBootstrap();
    b.expiry.onApplicationBootstrap();
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      const [left] = await h.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM billing.quota_reservations WHERE generation_id = ANY($1) AND status = 'reserved'`,
        [ids],
      );
      if (left.n === 0) break;
      await sleep(100);
    }
    await sleep(600);
    await Promise.all([a.expiry.beforeApplicationShutdown(), b.expiry.beforeApplicationShutdown()]);

    expect(overlap.max).toBe(1);
    const failed = await h.query<{ correlation_id: string; n: number }>(
      `SELECT correlation_id, count(*)::int AS n FROM billing.outbox
        WHERE type = 'generation.failed' AND correlation_id = ANY($1) GROUP BY correlation_id`,
      [ids],
    );
    expect(failed).toHaveLength(ids.length);
    expect(failed.every((f) => f.n === 1)).toBe(true);
  });

  it('skips while another session holds the lock and takes over once that session dies', async () => {
    const user = randomUUID();
    await h.fund(user, 200000n);
    await h.subscriptions.change(user, 'start');
    await h.endPeriodNow(user);
    // A "leader" replica's session holds the renewal lock.
    const leader = new Client({
      host: h.config.database.host,
      port: h.config.database.port,
      database: h.config.database.database,
      user: h.config.database.user,
      password: h.config.database.password,
    });
    leader.on('error', () => undefined);
    await leader.connect();
    await leader.query(`SELECT pg_advisory_lock(hashtext('billing.subscription-renewal'))`);
    const [{ pid }] = (await leader.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;

    const overlap = new Overlap();
    const a = await replica(overlap);
    a.renewal.onApplicationBootstrap();
    await sleep(800);
    expect(overlap.passes).toBe(0);
    expect(await renewalCharges(user)).toBe(0);

    // The leader dies (its session ends): the lock goes with it and this replica renews.
    await h.query('SELECT pg_terminate_backend($1)', [pid]);
    const deadline = Date.now() + 15000;
    while ((await renewalCharges(user)) === 0 && Date.now() < deadline) await sleep(100);
    await a.renewal.beforeApplicationShutdown();
    await leader.end().catch(() => undefined);
    expect(await renewalCharges(user)).toBe(1);
  });
});
