import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@atelier/config';
import { createServiceDataSource, dropDatabase } from '@atelier/persistence';
import { migrateAll, provisionAll } from '../scripts/db';
import { QuotaReservationRepository } from '../apps/billing/src/quota/quota-reservation.repository';
import { ADMIN_URL } from './support/test-mesh';

/** Quota accounting against the real PostgreSQL: concurrent reservations can never exceed the allowance. */
describe('quota reservations (PostgreSQL)', () => {
  const env = { DATABASE_NAME: `atelier_q${randomUUID().slice(0, 8)}`, DATABASE_ADMIN_URL: ADMIN_URL };
  let ds: DataSource;
  const repo = new QuotaReservationRepository();

  beforeAll(async () => {
    await provisionAll(env);
    await migrateAll(env);
    ds = createServiceDataSource({ ...loadConfig('billing', env).database, poolSize: 30 }, {});
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(ADMIN_URL, env.DATABASE_NAME);
  });

  it('grants at most the allowance to 40 concurrent requests of one user', async () => {
    const user = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () =>
        ds.transaction(async (m) => {
          await repo.ensureUsage(m, user, '2026-11', 25);
          return repo.reserveAndRecord(m, {
            generationId: randomUUID(),
            userId: user,
            period: '2026-11',
            requested: 3,
            ttlSeconds: 60,
          });
        }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(8); // 8 × 3 = 24 ≤ 25 < 27
    const [usage] = (await ds.query('SELECT reserved, committed FROM billing.quota_usage WHERE user_id = $1', [
      user,
    ])) as Array<{ reserved: number }>;
    expect(usage.reserved).toBe(24);
  });

  it('commits what was delivered and frees the rest', async () => {
    const user = randomUUID();
    const generationId = randomUUID();
    await ds.transaction(async (m) => {
      await repo.ensureUsage(m, user, '2026-11', 10);
      expect(
        await repo.reserveAndRecord(m, { generationId, userId: user, period: '2026-11', requested: 4, ttlSeconds: 60 }),
      ).toBe(true);
    });
    await ds.transaction(async (m) => {
      const r = await repo.findForUpdate(m, generationId);
      expect(r?.status).toBe('reserved');
      if (r) await repo.settle(m, r, 'committed', 3, null);
    });
    const [usage] = (await ds.query('SELECT reserved, committed FROM billing.quota_usage WHERE user_id = $1', [
      user,
    ])) as Array<{ reserved: number; committed: number }>;
    expect(usage).toEqual({ reserved: 0, committed: 3 });
  });
});
