import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { signSandboxWebhook } from '../apps/billing/src/payments/sandbox-payment.provider';
import { formatRoubles } from '../apps/billing/src/ledger/money';
import { BillingHarness } from './support/billing-harness';

type Op =
  | { kind: 'topUp'; user: number; amount: number; replays: number }
  | { kind: 'adjust'; user: number; amount: number }
  | { kind: 'purchase'; user: number; plan: string }
  | { kind: 'cancel'; user: number }
  | { kind: 'endPeriod'; user: number }
  | { kind: 'reserve'; user: number; n: number }
  | { kind: 'commit'; pick: number; delivered: number }
  | { kind: 'release'; pick: number }
  | { kind: 'expire'; pick: number };

const USERS = 3;
const user = fc.nat(USERS - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('topUp' as const),
    user,
    amount: fc.integer({ min: 100_00, max: 3000_00 }),
    replays: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    user,
    amount: fc.integer({ min: -2000_00, max: 2000_00 }).filter((a) => a !== 0),
  }),
  fc.record({
    kind: fc.constant('purchase' as const),
    user,
    plan: fc.constantFrom('free', 'start', 'pro', 'business'),
  }),
  fc.record({ kind: fc.constant('cancel' as const), user }),
  fc.record({ kind: fc.constant('endPeriod' as const), user }),
  fc.record({ kind: fc.constant('reserve' as const), user, n: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('commit' as const), pick: fc.nat(), delivered: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('expire' as const), pick: fc.nat() }),
);

/**
 * Property-based: random sequences of top-ups (with replayed webhooks), admin adjustments, plan purchases,
 * cancellations, period ends with renewal, reservations, commits, releases and expiries — run in concurrent
 * batches against the real PostgreSQL — keep every invariant after every batch.
 */
describe('billing invariants under random operation sequences (fast-check, PostgreSQL)', () => {
  // A small Free allowance, so reservations hit the limit often.
  const h = new BillingHarness({ FREE_MONTHLY_IMAGES: '12' });
  const secret = h.config.env.SANDBOX_WEBHOOK_SECRET;

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  async function checkInvariants(users: string[], expected: Map<string, bigint>): Promise<void> {
    // Ledger sums to zero, every transaction balances, cache = ledger, no negative wallet.
    const audit = await h.ledger.audit();
    expect(audit).toMatchObject({ consistent: true, totalKopecks: 0n, mismatchedAccounts: 0, negativeWallets: 0 });
    // Each wallet holds exactly what the operations reported moving.
    for (const u of users) expect(await h.balance(u)).toBe(expected.get(u) ?? 0n);
    // Usage never exceeds the allowance, and the counters equal the reservations behind them.
    const usage = await h.query<{ over: number; drift: number }>(
      `SELECT count(*) FILTER (WHERE u.reserved + u.committed > u.allowance)::int AS over,
              count(*) FILTER (WHERE u.reserved <> COALESCE(r.held, 0) OR u.committed <> COALESCE(r.delivered, 0))::int AS drift
         FROM billing.quota_usage u
         LEFT JOIN (SELECT user_id, period,
                           sum(requested) FILTER (WHERE status = 'reserved') AS held,
                           sum(delivered) FILTER (WHERE status = 'committed') AS delivered
                      FROM billing.quota_reservations GROUP BY user_id, period) r
           ON r.user_id = u.user_id AND r.period = u.period
        WHERE u.user_id = ANY($1::uuid[])`,
      [users],
    );
    expect(usage[0]).toEqual({ over: 0, drift: 0 });
  }

  it('keeps ledger = 0, cache = ledger, wallets ≥ 0 and usage ≤ allowance', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        async (batches) => {
          const users = Array.from({ length: USERS }, () => randomUUID());
          const expected = new Map<string, bigint>();
          const move = (u: string, k: bigint) => expected.set(u, (expected.get(u) ?? 0n) + k);
          const held: string[] = [];

          const run = async (o: Op): Promise<void> => {
            switch (o.kind) {
              case 'topUp': {
                const u = users[o.user];
                const { topUp } = await h.topUps.create({
                  userId: u,
                  amountKopecks: BigInt(o.amount),
                  provider: 'sandbox',
                  idempotencyKey: `prop-${randomUUID()}`,
                  returnUrl: '',
                });
                const body = JSON.stringify({
                  event: 'payment.succeeded',
                  object: {
                    id: topUp.provider_payment_id,
                    amount: { value: formatRoubles(BigInt(o.amount)), currency: 'RUB' },
                  },
                });
                const headers = { 'x-sandbox-signature': signSandboxWebhook(secret, body) };
                const results = await Promise.all(
                  Array.from({ length: o.replays }, () =>
                    h.topUps.handleWebhook('sandbox', Buffer.from(body), headers),
                  ),
                );
                expect(results.filter((r) => r.outcome === 'credited')).toHaveLength(1);
                move(u, BigInt(o.amount));
                return;
              }
              case 'adjust': {
                const u = users[o.user];
                try {
                  await h.adjustments.adjust({
                    adminId: 'prop',
                    userId: u,
                    amount: BigInt(o.amount),
                    reason: 'property',
                    idempotencyKey: randomUUID(),
                  });
                  move(u, BigInt(o.amount));
                } catch (err) {
                  expect(err).toMatchObject({ code: 'insufficient_funds' });
                }
                return;
              }
              case 'purchase': {
                const u = users[o.user];
                try {
                  const r = await h.subscriptions.change(u, o.plan);
                  move(u, -r.chargedKopecks);
                } catch (err) {
                  expect(err).toMatchObject({ code: 'insufficient_funds' });
                }
                return;
              }
              case 'cancel':
                await h.subscriptions.cancel(users[o.user]).catch((err: unknown) => {
                  expect(err).toMatchObject({ code: 'not_subscribed' });
                });
                return;
              case 'endPeriod': {
                const u = users[o.user];
                const before = await h.balance(u);
                await h.endPeriodNow(u);
                await h.subscriptions.renewDue();
                // Renewals are the only movement here; take what the ledger says happened to this user's wallet,
                // then prove it was a renewal charge (or nothing).
                const charges = await h.query<{ s: string | null }>(
                  `SELECT sum(e.amount_kopecks)::text AS s FROM billing.ledger_entries e
                   JOIN billing.ledger_transactions t ON t.id = e.transaction_id
                   JOIN billing.ledger_accounts a ON a.id = e.account_id
                  WHERE a.user_id = $1 AND t.idempotency_key LIKE 'subscription:' || $1 || ':renewal:%'`,
                  [u],
                );
                const renewed = BigInt(charges[0].s ?? '0') - (expected.get(`renewals:${u}`) ?? 0n);
                expected.set(`renewals:${u}`, BigInt(charges[0].s ?? '0'));
                move(u, renewed);
                expect(before + renewed).toBeGreaterThanOrEqual(0n);
                return;
              }
              case 'reserve': {
                const id = randomUUID();
                if ((await h.reserve(users[o.user], o.n, id)) === 'reserved') held.push(id);
                return;
              }
              case 'commit':
              case 'release':
              case 'expire': {
                if (held.length === 0) return;
                const [id] = held.splice(o.pick % held.length, 1);
                if (o.kind === 'commit') await h.commit(id, o.delivered);
                else if (o.kind === 'release') await h.release(id);
                else {
                  await h.query(
                    `UPDATE billing.quota_reservations SET expires_at = now() - interval '1 second' WHERE generation_id = $1`,
                    [id],
                  );
                  await h.ds.transaction((m) => h.quota.expireOverdue(m, 1000));
                }
                return;
              }
            }
          };

          for (const batch of batches) {
            await Promise.all(batch.map(run));
            await checkInvariants(users, new Map([...expected].filter(([k]) => !k.startsWith('renewals:'))));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
