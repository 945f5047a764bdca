/**
 * npm run bench:billing [-- --clients 32 --one-user 6000 --many-users 6000 --users 500]
 * Quota reservations per second on the real PostgreSQL, 32 concurrent clients (one pool connection each):
 *  - one user: every client reserves for the same user (one hot usage row, the worst case);
 *  - many users: each reservation picks one of --users users at random.
 * A reservation is the whole transaction billing runs for generation.requested: inbox record, plan lookup,
 * reservation row, quota.reserved in the outbox, and the conditional usage UPDATE. Baseline, same clients,
 * same table: a bare `UPDATE quota_usage ... RETURNING` per reservation (autocommit). Allowances are set so
 * that clients run into the limit; over-spend (granted beyond an allowance) is counted and must be 0.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@atelier/config';
import type { EventPayload, EventType } from '@atelier/contracts';
import { Outbox, newEnvelope, type EventContext, type EventInit } from '@atelier/messaging';
import { createServiceDataSource, dropDatabase } from '@atelier/persistence';
import type { DataSource } from 'typeorm';
import { LedgerRepository } from '../../apps/billing/src/ledger/ledger.repository';
import { Ledger } from '../../apps/billing/src/ledger/ledger.service';
import { PlanRepository } from '../../apps/billing/src/plans/plan.repository';
import { PlanCatalog } from '../../apps/billing/src/plans/plan-catalog.service';
import { billingPeriod } from '../../apps/billing/src/quota/quota-policy';
import { QuotaReservationRepository } from '../../apps/billing/src/quota/quota-reservation.repository';
import { QuotaReservations } from '../../apps/billing/src/quota/quota-reservations.service';
import { SubscriptionRepository } from '../../apps/billing/src/subscriptions/subscription.repository';
import { Subscriptions } from '../../apps/billing/src/subscriptions/subscriptions.service';
import { FaultInjector } from '../../apps/billing/src/support/fault-injector';
import { migrateAll, provisionAll } from '../db';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLIENTS = arg('clients', 32);
const ONE_USER_GRANTS = arg('one-user', 6000);
const MANY_USERS_OPS = arg('many-users', 6000);
const USERS = arg('users', 500);
const ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Run {
  granted: number;
  refused: number;
  seconds: number;
}

/** `clients` workers take attempts from a shared counter until `attempts` ran or `stop` says so. */
async function drive(clients: number, attempts: number, attempt: (i: number) => Promise<boolean>): Promise<Run> {
  let next = 0;
  let granted = 0;
  let refused = 0;
  let exhausted = false;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (!exhausted && next < attempts) {
        const i = next++;
        if (await attempt(i)) granted++;
        else refused++;
        if (refused >= clients * 2 && attempts === Number.MAX_SAFE_INTEGER) exhausted = true;
      }
    }),
  );
  return { granted, refused, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const env = {
    DATABASE_NAME: `atelier_${`b${randomBytes(4).toString('hex')}`}`,
    DATABASE_ADMIN_URL: ADMIN_URL,
    LOG_LEVEL: 'warn',
  };
  await provisionAll(env);
  await migrateAll(env);
  const config = loadConfig('billing', { ...env, FREE_MONTHLY_IMAGES: String(ONE_USER_GRANTS) });
  const ds: DataSource = createServiceDataSource({ ...config.database, poolSize: CLIENTS + 2 }, {});
  await ds.initialize();
  try {
    const outbox = new Outbox(config);
    const plans = new PlanCatalog(new PlanRepository(), ds, config);
    await plans.onApplicationBootstrap();
    const ledger = new Ledger(new LedgerRepository(), ds);
    const subscriptions = new Subscriptions(
      ds,
      new SubscriptionRepository(),
      plans,
      ledger,
      outbox,
      new FaultInjector(config),
    );
    const repo = new QuotaReservationRepository();
    const quota = new QuotaReservations(repo, subscriptions, config);
    const period = billingPeriod(new Date());

    /** The transaction the billing consumer runs for one generation.requested (inbox + handler). */
    const reserve = (userId: string): Promise<boolean> => {
      const generationId = randomUUID();
      const envelope = newEnvelope('generation.requested', 'gateway', generationId);
      return ds.transaction(async (m) => {
        await m.query(
          `INSERT INTO billing.inbox (event_id, type, correlation_id, outcome) VALUES ($1, $2, $3, 'handled')`,
          [envelope.eventId, envelope.type, generationId],
        );
        let reserved = false;
        const ctx: EventContext = {
          envelope,
          attempt: 1,
          manager: m,
          emit: async <T extends EventType>(type: T, payload: EventInit<T>) => {
            reserved = type === 'quota.reserved';
            await outbox.add(m, type, payload, { correlationId: generationId, causationId: envelope.eventId });
          },
          // Billing's reservation registers no after-commit effects.
          afterCommit: () => undefined,
        };
        const request = {
          generationId,
          userId,
          params: {
            prompt: 'bench',
            n: 1,
            width: 512,
            height: 512,
            steps: 1,
            guidance: 0,
            seed: 1n,
            platform: '',
            backend: '',
          },
        } as EventPayload<'generation.requested'>;
        await quota.reserve(request, ctx);
        return reserved;
      });
    };
    const bare = async (userId: string): Promise<boolean> => {
      // TypeORM answers an UPDATE … RETURNING as [rows, affected].
      const [, affected] = (await ds.query(
        `UPDATE billing.quota_usage SET reserved = reserved + 1
          WHERE user_id = $1 AND period = $2 AND reserved + committed + 1 <= allowance RETURNING reserved`,
        [userId, period],
      )) as [unknown[], number];
      return affected > 0;
    };
    const openUsage = async (users: string[], allowance: number) => {
      for (const u of users) await repo.ensureUsage(ds.manager, u, period, allowance);
    };
    /** Over-spend: images granted beyond an allowance, and grants that do not match the rows' counters. */
    const overSpend = async (users: string[], granted: number) => {
      const [r] = (await ds.query(
        `SELECT COALESCE(sum(GREATEST(reserved + committed - allowance, 0)), 0)::int AS over,
                COALESCE(sum(reserved), 0)::int AS reserved
           FROM billing.quota_usage WHERE user_id = ANY($1::uuid[]) AND period = $2`,
        [users, period],
      )) as Array<{ over: number; reserved: number }>;
      return { over: r.over, mismatch: r.reserved - granted };
    };

    const results: Array<{ name: string; full: Run; base: Run; over: number; mismatch: number }> = [];
    // Warm-up (JIT, plan caches, pool connections).
    const warm = randomUUID();
    await openUsage([warm], 1_000_000);
    await drive(CLIENTS, 500, () => reserve(warm));
    await drive(CLIENTS, 500, () => bare(warm));

    // One user: allowance = ONE_USER_GRANTS, attempts = allowance + 10% so the limit is hit under contention.
    {
      const attempts = Math.ceil(ONE_USER_GRANTS * 1.1);
      const u1 = randomUUID();
      const full = await drive(CLIENTS, attempts, () => reserve(u1));
      const u2 = randomUUID();
      await openUsage([u2], ONE_USER_GRANTS);
      const base = await drive(CLIENTS, attempts, () => bare(u2));
      const o1 = await overSpend([u1], full.granted);
      const o2 = await overSpend([u2], base.granted);
      results.push({ name: 'one user', full, base, over: o1.over + o2.over, mismatch: o1.mismatch + o2.mismatch });
      if (full.granted !== ONE_USER_GRANTS || base.granted !== ONE_USER_GRANTS) {
        throw new Error(`granted ${full.granted}/${base.granted}, allowance ${ONE_USER_GRANTS}`);
      }
    }
    // Many users: allowance per user below its expected share, so some users hit their limit too.
    {
      const perUser = Math.max(1, Math.floor((MANY_USERS_OPS / USERS) * 0.9));
      const fullUsers = Array.from({ length: USERS }, () => randomUUID());
      const baseUsers = Array.from({ length: USERS }, () => randomUUID());
      await ds.query(
        `UPDATE billing.plans SET monthly_images = $1 WHERE code = 'free'`, // new usage rows get this allowance
        [perUser],
      );
      await openUsage(baseUsers, perUser);
      const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)];
      const full = await drive(CLIENTS, MANY_USERS_OPS, () => reserve(pick(fullUsers)));
      const base = await drive(CLIENTS, MANY_USERS_OPS, () => bare(pick(baseUsers)));
      const o1 = await overSpend(fullUsers, full.granted);
      const o2 = await overSpend(baseUsers, base.granted);
      results.push({
        name: `many users (${USERS})`,
        full,
        base,
        over: o1.over + o2.over,
        mismatch: o1.mismatch + o2.mismatch,
      });
    }

    console.log(
      `bench:billing — ${CLIENTS} concurrent clients, PostgreSQL ${(await ds.query('SHOW server_version'))[0].server_version}`,
    );
    console.log(
      '| workload | billing reservations/s | bare UPDATE … RETURNING/s | ratio (bare / billing) | granted / refused | over-spend |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const r of results) {
      const fullRate = r.full.granted / r.full.seconds;
      const baseRate = r.base.granted / r.base.seconds;
      console.log(
        `| ${r.name} | ${fullRate.toFixed(0)} | ${baseRate.toFixed(0)} | ×${(baseRate / fullRate).toFixed(2)} | ` +
          `${r.full.granted} / ${r.full.refused} | ${r.over} (counter mismatch ${r.mismatch}) |`,
      );
    }
    const totalOver = results.reduce((a, r) => a + r.over + Math.abs(r.mismatch), 0);
    console.log(`over-spend: ${totalOver}`);
    if (totalOver !== 0) process.exitCode = 1;
  } finally {
    await ds.destroy();
    await dropDatabase(ADMIN_URL, env.DATABASE_NAME);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
