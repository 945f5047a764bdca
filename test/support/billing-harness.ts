import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { loadConfig, type ServiceConfig } from '@atelier/config';
import type { EventPayload, EventType } from '@atelier/contracts';
import { Outbox, newEnvelope, type EventContext, type EventInit } from '@atelier/messaging';
import { createServiceDataSource, dropDatabase } from '@atelier/persistence';
import { migrateAll, provisionAll } from '../../scripts/db';
import { LedgerRepository } from '../../apps/billing/src/ledger/ledger.repository';
import { Ledger } from '../../apps/billing/src/ledger/ledger.service';
import { WalletAdjustments } from '../../apps/billing/src/ledger/wallet-adjustments.service';
import { PaymentProviders } from '../../apps/billing/src/payments/payment-providers';
import { TopUpRepository } from '../../apps/billing/src/payments/top-up.repository';
import { TopUps } from '../../apps/billing/src/payments/top-ups.service';
import { PlanRepository } from '../../apps/billing/src/plans/plan.repository';
import { PlanCatalog } from '../../apps/billing/src/plans/plan-catalog.service';
import { QuotaReservationRepository } from '../../apps/billing/src/quota/quota-reservation.repository';
import { QuotaReservations, type CompletionOutcome } from '../../apps/billing/src/quota/quota-reservations.service';
import { SubscriptionRepository } from '../../apps/billing/src/subscriptions/subscription.repository';
import { Subscriptions } from '../../apps/billing/src/subscriptions/subscriptions.service';
import { FaultInjector } from '../../apps/billing/src/support/fault-injector';
import { ADMIN_URL } from './test-mesh';

/**
 * Billing's domain services wired by hand on their own database (real PostgreSQL, no broker): events land in
 * billing.outbox, which tests read. The same classes the billing process runs, without Nest around them.
 */
export class BillingHarness {
  readonly env: Record<string, string>;
  readonly config: ServiceConfig<'billing'>;
  ds!: DataSource;
  ledger!: Ledger;
  plans!: PlanCatalog;
  subscriptions!: Subscriptions;
  quota!: QuotaReservations;
  topUps!: TopUps;
  adjustments!: WalletAdjustments;
  readonly quotaRepo = new QuotaReservationRepository();

  constructor(
    env: Record<string, string> = {},
    private readonly poolSize = 40,
  ) {
    this.env = { DATABASE_NAME: `atelier_b${randomUUID().slice(0, 8)}`, DATABASE_ADMIN_URL: ADMIN_URL, ...env };
    this.config = loadConfig('billing', this.env);
  }

  async start(): Promise<this> {
    await provisionAll(this.env);
    await migrateAll(this.env);
    this.ds = createServiceDataSource({ ...this.config.database, poolSize: this.poolSize }, {});
    await this.ds.initialize();
    const outbox = new Outbox(this.config);
    const faults = new FaultInjector(this.config);
    this.ledger = new Ledger(new LedgerRepository(), this.ds);
    this.plans = new PlanCatalog(new PlanRepository(), this.ds, this.config);
    await this.plans.onApplicationBootstrap();
    this.subscriptions = new Subscriptions(
      this.ds,
      new SubscriptionRepository(),
      this.plans,
      this.ledger,
      outbox,
      faults,
    );
    this.quota = new QuotaReservations(this.quotaRepo, this.subscriptions, this.config);
    // No broker, so no backlog of events from before the start: deadlines apply at once.
    this.quota.consumingSince = new Date(0);
    this.topUps = new TopUps(
      this.ds,
      new TopUpRepository(),
      new PaymentProviders(this.config),
      this.ledger,
      outbox,
      faults,
      this.config,
    );
    this.adjustments = new WalletAdjustments(this.ds, this.ledger, outbox, faults);
    return this;
  }

  async stop(): Promise<void> {
    await this.ds?.destroy();
    await dropDatabase(ADMIN_URL, this.env.DATABASE_NAME);
  }

  /** Runs `generation.requested` through the reservation logic as the consumer would (one transaction). */
  async reserve(userId: string, n: number, generationId = randomUUID()): Promise<'reserved' | string> {
    return this.ds.transaction(async (m) => {
      const emitted: Array<{ type: EventType; payload: unknown }> = [];
      const outbox = new Outbox(this.config);
      const ctx: EventContext = {
        envelope: newEnvelope('generation.requested', 'gateway', generationId),
        attempt: 1,
        manager: m,
        emit: async <T extends EventType>(type: T, payload: EventInit<T>) => {
          emitted.push({ type, payload });
          await outbox.add(m, type, payload, { correlationId: generationId });
        },
        // Billing's reservation registers no after-commit effects.
        afterCommit: () => undefined,
      };
      const request = {
        generationId,
        userId,
        params: { prompt: 'p', n, width: 64, height: 64, steps: 1, guidance: 0, seed: 1n, platform: '', backend: '' },
      } as EventPayload<'generation.requested'>;
      await this.quota.reserve(request, ctx);
      const last = emitted[emitted.length - 1];
      return last.type === 'quota.reserved' ? 'reserved' : (last.payload as { code: string }).code;
    });
  }

  commit(generationId: string, delivered: number): Promise<CompletionOutcome> {
    return this.ds.transaction((m) => this.quota.commit(m, generationId, delivered));
  }

  release(generationId: string): Promise<void> {
    return this.ds.transaction((m) => this.quota.release(m, generationId, 'test'));
  }

  /** Credits a wallet the way an admin would (the quickest way to fund a test user). */
  async fund(userId: string, kopecks: bigint): Promise<void> {
    await this.adjustments.adjust({
      adminId: 'test',
      userId,
      amount: kopecks,
      reason: 'test funding',
      idempotencyKey: `fund-${randomUUID()}`,
    });
  }

  balance(userId: string): Promise<bigint> {
    return this.ledger.balance(this.ds.manager, userId);
  }

  /** Moves a user's paid period into the past, as if time had passed. */
  async endPeriodNow(userId: string): Promise<void> {
    await this.ds.query(
      `UPDATE billing.subscriptions SET period_start = period_start - (period_end - now()) - interval '1 second',
              cycle_anchor = cycle_anchor - (period_end - now()) - interval '1 second',
              period_end = now() - interval '1 second'
        WHERE user_id = $1 AND period_end IS NOT NULL`,
      [userId],
    );
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.ds.query(sql, params) as Promise<T[]>;
  }

  manager(): EntityManager {
    return this.ds.manager;
  }
}
