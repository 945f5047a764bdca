import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { MessageInitShape, SubscriptionSchema } from '@atelier/contracts';
import { Outbox } from '@atelier/messaging';
import { InsufficientFunds, Ledger } from '../ledger/ledger.service';
import type { Kopecks } from '../ledger/money';
import { FREE_PLAN, planFeatures, planLimits, type Plan } from '../plans/plan';
import { PlanCatalog } from '../plans/plan-catalog.service';
import { FaultInjector } from '../support/fault-injector';
import { BillingRefusal } from '../support/billing-refusal';
import { addMonths, upgradeCharge } from './proration';
import { SubscriptionRepository, type SubscriptionRow, type SubscriptionUpdate } from './subscription.repository';

export type SubscriptionChange =
  | 'purchased'
  | 'upgraded'
  | 'downgrade_scheduled'
  | 'cancel_scheduled'
  | 'resumed'
  | 'unchanged'
  | 'renewed'
  | 'expired'
  | 'renewal_failed';

export interface ChangeOutcome {
  change: SubscriptionChange;
  subscription: SubscriptionRow;
  chargedKopecks: Kopecks;
  creditedKopecks: Kopecks;
  walletBalanceKopecks: Kopecks;
}

export const subscriptionToProto = (s: SubscriptionRow | undefined): MessageInitShape<typeof SubscriptionSchema> => ({
  plan: s?.plan_code ?? FREE_PLAN,
  periodStart: s?.period_start?.toISOString() ?? '',
  periodEnd: s?.period_end?.toISOString() ?? '',
  cancelAtPeriodEnd: s?.cancel_at_period_end ?? false,
  nextPlan: s?.next_plan_code ?? '',
});

const FREE_STATE: SubscriptionUpdate = {
  plan_code: FREE_PLAN,
  period_start: null,
  period_end: null,
  period_key: null,
  cycle_anchor: null,
  cycle: 0,
  cancel_at_period_end: false,
  next_plan_code: null,
};

export type Decision =
  | { change: 'unchanged' | 'resumed' | 'cancel_scheduled' | 'downgrade_scheduled'; charge: 0n; credit: 0n }
  | { change: 'purchased' | 'upgraded'; charge: Kopecks; credit: Kopecks; next: SubscriptionUpdate };

export interface ChangePreview {
  change: Decision['change'];
  current: Plan;
  target: Plan;
  chargeKopecks: Kopecks;
  creditKopecks: Kopecks;
  walletBalanceKopecks: Kopecks;
  missingKopecks: Kopecks;
  effectiveAt: Date;
  currentPeriodEnd: Date | null;
  newPeriodEnd: Date | null;
}

/**
 * The one rule for a plan change, used by the command and by its preview: same plan → unchanged or resumed;
 * Free → cancel at period end; from Free → buy a full period; a dearer plan → upgrade now, prorated; a cheaper or
 * equal one → downgrade at period end.
 */
export function decideChange(sub: SubscriptionRow, current: Plan, target: Plan, now: Date): Decision {
  const none = { charge: 0n, credit: 0n } as const;
  if (target.code === current.code) {
    return { change: !sub.cancel_at_period_end && !sub.next_plan_code ? 'unchanged' : 'resumed', ...none };
  }
  if (target.code === FREE_PLAN)
    return { change: sub.cancel_at_period_end ? 'unchanged' : 'cancel_scheduled', ...none };
  if (current.code === FREE_PLAN) {
    return { change: 'purchased', charge: target.monthlyPriceKopecks, credit: 0n, next: freshPeriod(target, now) };
  }
  if (target.monthlyPriceKopecks > current.monthlyPriceKopecks && sub.period_start && sub.period_end) {
    // Immediate upgrade: a new full period from now, less the unused part of the current one.
    const { charge, credit } = upgradeCharge(
      target.monthlyPriceKopecks,
      current.monthlyPriceKopecks,
      sub.period_start,
      sub.period_end,
      now,
    );
    return { change: 'upgraded', charge, credit, next: freshPeriod(target, now) };
  }
  // Cheaper (or equal) paid plan: takes over at period end, no refund.
  return { change: 'downgrade_scheduled', ...none };
}

/**
 * The charge for a change the customer confirmed at `quoted`: never more than they saw. The proration grows as the
 * period runs, so between preview and confirm it may rise by a little; up to 15 minutes' worth of the price
 * (price / 2880 for a 30-day month) is charged as quoted, more (e.g. an admin changed the price) is refused.
 */
export function honourQuote(actual: Kopecks, quoted: Kopecks | undefined, price: Kopecks): Kopecks {
  if (quoted === undefined || actual <= quoted) return actual;
  if (quoted >= 0n && actual - quoted <= price / 2880n) return quoted;
  throw new BillingRefusal('quote_expired', `the charge is now ${actual} kopecks, ${quoted} were confirmed`);
}

/** A new paid period starting at `start`: one month from its own anchor. */
const freshPeriod = (plan: Plan, start: Date): SubscriptionUpdate => ({
  plan_code: plan.code,
  period_start: start,
  period_end: addMonths(start, 1),
  period_key: start.toISOString(),
  cycle_anchor: start,
  cycle: 1,
  cancel_at_period_end: false,
  next_plan_code: null,
});

/**
 * Plans bought from the wallet: purchase, immediate prorated upgrade, downgrade and cancel at period end,
 * renewal and expiry to Free. Each change locks the user's subscription row, so concurrent requests
 * serialise; asking again for the plan one has changes nothing (PUT is idempotent).
 */
@Injectable()
export class Subscriptions {
  private readonly logger = new Logger('Subscriptions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: SubscriptionRepository,
    private readonly plans: PlanCatalog,
    private readonly ledger: Ledger,
    private readonly outbox: Outbox,
    private readonly faults: FaultInjector,
  ) {}

  effectivePlan(m: EntityManager, userId: string): Promise<{ plan: Plan; periodKey: string | null }> {
    return this.repo.effectivePlan(m, userId);
  }

  find(m: EntityManager, userId: string): Promise<SubscriptionRow | undefined> {
    return this.repo.find(m, userId);
  }

  /** PUT /v1/account/subscription {plan}. Throws BillingRefusal (insufficient_funds carries the missing amount). */
  async change(userId: string, planCode: string, quoted?: Kopecks): Promise<ChangeOutcome> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const target = await this.plans.get(m, planCode);
      if (!target) throw new BillingRefusal('unknown_plan', `no plan ${planCode}`);
      const sub = await this.repo.lock(m, userId);
      const current = await this.requirePlan(m, sub.plan_code);
      if (!target.active && target.code !== current.code) {
        throw new BillingRefusal('plan_unavailable', `plan ${planCode} is not on sale`);
      }
      const d = decideChange(sub, current, target, await this.repo.now(m));
      switch (d.change) {
        case 'unchanged':
          return this.unchanged(m, userId, sub);
        case 'resumed': {
          const row = await this.repo.update(m, userId, { ...sub, cancel_at_period_end: false, next_plan_code: null });
          return this.announce(m, userId, 'resumed', current, current, row, 0n, 0n, null);
        }
        case 'cancel_scheduled': {
          const row = await this.repo.update(m, userId, { ...sub, cancel_at_period_end: true, next_plan_code: null });
          return this.announce(m, userId, 'cancel_scheduled', current, current, row, 0n, 0n, null);
        }
        case 'purchased': {
          const next = d.next;
          const price = honourQuote(d.charge, quoted, target.monthlyPriceKopecks);
          const tx = await this.charge(m, userId, price, `${target.name}: subscription`, `purchase:${next.period_key}`);
          const row = await this.repo.update(m, userId, next);
          return this.announce(m, userId, 'purchased', target, current, row, price, 0n, tx);
        }
        case 'upgraded': {
          const next = d.next;
          const charge = honourQuote(d.charge, quoted, target.monthlyPriceKopecks);
          const tx =
            charge > 0n
              ? await this.charge(
                  m,
                  userId,
                  charge,
                  `${current.name} → ${target.name}: upgrade (credit ${d.credit} kopecks)`,
                  `upgrade:${next.period_key}`,
                )
              : null;
          const row = await this.repo.update(m, userId, next);
          return this.announce(m, userId, 'upgraded', target, current, row, charge, d.credit, tx);
        }
        case 'downgrade_scheduled': {
          const row = await this.repo.update(m, userId, {
            ...sub,
            cancel_at_period_end: false,
            next_plan_code: target.code,
          });
          return this.announce(m, userId, 'downgrade_scheduled', target, current, row, 0n, 0n, null);
        }
      }
    });
    if (outcome.change !== 'unchanged') this.faults.afterCommit('change_subscription');
    return outcome;
  }

  /**
   * What `change` would do now, by the same rule (`decideChange`), without writing or locking anything: the
   * confirm page shows this before the customer commits. Refusals as in `change` (unknown_plan, plan_unavailable).
   */
  async preview(userId: string, planCode: string): Promise<ChangePreview> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const target = await this.plans.get(m, planCode);
      if (!target) throw new BillingRefusal('unknown_plan', `no plan ${planCode}`);
      const sub: SubscriptionRow = (await this.repo.find(m, userId)) ?? { user_id: userId, ...FREE_STATE };
      const current = await this.requirePlan(m, sub.plan_code);
      if (!target.active && target.code !== current.code) {
        throw new BillingRefusal('plan_unavailable', `plan ${planCode} is not on sale`);
      }
      const now = await this.repo.now(m);
      const d = decideChange(sub, current, target, now);
      const balance = await this.ledger.balance(m, userId);
      const immediate = d.change === 'purchased' || d.change === 'upgraded';
      return {
        change: d.change,
        current,
        target,
        chargeKopecks: d.charge,
        creditKopecks: d.credit,
        walletBalanceKopecks: balance,
        missingKopecks: d.charge > balance ? d.charge - balance : 0n,
        effectiveAt: immediate || !sub.period_end ? now : sub.period_end,
        currentPeriodEnd: sub.period_end,
        newPeriodEnd: immediate ? d.next.period_end : null,
      };
    });
  }

  /** DELETE /v1/account/subscription: the plan stays until period end, then falls back to Free. */
  async cancel(userId: string): Promise<ChangeOutcome> {
    return this.dataSource.transaction(async (m) => {
      const sub = await this.repo.lock(m, userId);
      if (sub.plan_code === FREE_PLAN)
        throw new BillingRefusal('not_subscribed', 'the free plan has nothing to cancel');
      return this.scheduleCancel(m, userId, sub, await this.requirePlan(m, sub.plan_code));
    });
  }

  /** One pass of the renewal scheduler; returns how many subscriptions it moved. */
  async renewDue(limit = 100): Promise<number> {
    const due = await this.repo.dueUserIds(this.dataSource.manager, limit);
    let moved = 0;
    for (const userId of due) {
      const done = await this.dataSource.transaction(async (m) => {
        const sub = await this.repo.lockIfDue(m, userId);
        if (!sub) return false;
        await this.renewOrExpire(m, sub);
        return true;
      });
      if (done) moved++;
    }
    return moved;
  }

  private async renewOrExpire(m: EntityManager, sub: SubscriptionRow): Promise<void> {
    const userId = sub.user_id;
    const current = await this.requirePlan(m, sub.plan_code);
    const free = await this.plans.free(m);
    if (sub.cancel_at_period_end || !sub.period_end || !sub.cycle_anchor) {
      const row = await this.repo.update(m, userId, FREE_STATE);
      await this.announce(m, userId, 'expired', free, current, row, 0n, 0n, null);
      return;
    }
    const target = await this.requirePlan(m, sub.next_plan_code ?? sub.plan_code);
    const now = await this.repo.now(m);
    // Continue the cycle from its anchor; restart it from now if the service was down past a whole period.
    const switching = target.code !== current.code;
    let next: SubscriptionUpdate = {
      plan_code: target.code,
      period_start: sub.period_end,
      period_end: addMonths(sub.cycle_anchor, sub.cycle + 1),
      period_key: sub.period_end.toISOString(),
      cycle_anchor: sub.cycle_anchor,
      cycle: sub.cycle + 1,
      cancel_at_period_end: false,
      next_plan_code: null,
    };
    if (next.period_end && next.period_end <= now) next = freshPeriod(target, now);
    try {
      const tx = await this.charge(
        m,
        userId,
        target.monthlyPriceKopecks,
        `${target.name}: renewal`,
        `renewal:${next.period_key}`,
      );
      const row = await this.repo.update(m, userId, next);
      await this.announce(m, userId, 'renewed', target, current, row, target.monthlyPriceKopecks, 0n, tx);
      if (switching) this.logger.log(`${userId}: ${current.code} → ${target.code} at period end`);
    } catch (err) {
      if (!(err instanceof BillingRefusal) || err.code !== 'insufficient_funds') throw err;
      const row = await this.repo.update(m, userId, FREE_STATE);
      await this.announce(m, userId, 'renewal_failed', free, current, row, 0n, 0n, null);
      this.logger.warn(`${userId}: renewal of ${target.code} failed (${err.message}); back to free`);
    }
  }

  private async scheduleCancel(
    m: EntityManager,
    userId: string,
    sub: SubscriptionRow,
    current: Plan,
  ): Promise<ChangeOutcome> {
    if (sub.cancel_at_period_end) return this.unchanged(m, userId, sub);
    const row = await this.repo.update(m, userId, { ...sub, cancel_at_period_end: true, next_plan_code: null });
    return this.announce(m, userId, 'cancel_scheduled', current, current, row, 0n, 0n, null);
  }

  /** Wallet → revenue. Throws BillingRefusal('insufficient_funds') with the missing amount. */
  private async charge(
    m: EntityManager,
    userId: string,
    amount: Kopecks,
    description: string,
    key: string,
  ): Promise<string> {
    const wallet = await this.ledger.wallet(m, userId);
    const revenue = await this.ledger.account(m, 'revenue:subscriptions');
    try {
      const posted = await this.ledger.post(m, {
        kind: 'subscription_charge',
        idempotencyKey: `subscription:${userId}:${key}`,
        userId,
        description,
        legs: [
          { account: wallet, amount: -amount },
          { account: revenue, amount },
        ],
      });
      return posted.transactionId;
    } catch (err) {
      if (err instanceof InsufficientFunds) {
        throw new BillingRefusal(
          'insufficient_funds',
          `the wallet holds ${err.balance} kopecks, ${err.required} are needed`,
          err.missing,
        );
      }
      throw err;
    }
  }

  private async unchanged(m: EntityManager, userId: string, sub: SubscriptionRow): Promise<ChangeOutcome> {
    return {
      change: 'unchanged',
      subscription: sub,
      chargedKopecks: 0n,
      creditedKopecks: 0n,
      walletBalanceKopecks: await this.ledger.balance(m, userId),
    };
  }

  private async announce(
    m: EntityManager,
    userId: string,
    change: SubscriptionChange,
    plan: Plan,
    previous: Plan,
    row: SubscriptionRow,
    charged: Kopecks,
    credited: Kopecks,
    ledgerTransactionId: string | null,
  ): Promise<ChangeOutcome> {
    await this.outbox.add(
      m,
      'subscription.changed',
      {
        userId,
        change,
        plan: plan.code,
        previousPlan: previous.code,
        subscription: subscriptionToProto(row),
        chargedKopecks: charged,
        creditedKopecks: credited,
        ledgerTransactionId: ledgerTransactionId ?? '',
        features: planFeatures(plan),
        limits: planLimits(plan),
      },
      { correlationId: ledgerTransactionId ?? userId },
    );
    return {
      change,
      subscription: row,
      chargedKopecks: charged,
      creditedKopecks: credited,
      walletBalanceKopecks: await this.ledger.balance(m, userId),
    };
  }

  private async requirePlan(m: EntityManager, code: string): Promise<Plan> {
    const plan = await this.plans.get(m, code);
    if (!plan) throw new Error(`plan ${code} referenced by a subscription is missing`);
    return plan;
  }
}
