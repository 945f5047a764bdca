import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import { InsufficientFunds, Ledger } from '../ledger/ledger.service';
import type { Kopecks } from '../ledger/money';
import { BillingRefusal } from '../support/billing-refusal';
import { FaultInjector } from '../support/fault-injector';
import { TopUpRepository } from './top-up.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Admin refunds of succeeded top-ups: the wallet gives the money back to the provider's clearing account (the
 * reverse of the top-up's posting), never more than was paid in total, never below a zero balance. The money
 * itself goes back to the payer in the provider's own dashboard (the port does not call a refund API yet).
 */
@Injectable()
export class Refunds {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TopUpRepository,
    private readonly ledger: Ledger,
    private readonly outbox: Outbox,
    private readonly faults: FaultInjector,
  ) {}

  async refund(r: {
    adminId: string;
    topUpId: string;
    amount: Kopecks;
    reason: string;
    idempotencyKey: string;
  }): Promise<{ transactionId: string; refunded: Kopecks; balance: Kopecks; created: boolean }> {
    if (!UUID.test(r.topUpId)) throw new BillingRefusal('not_found', 'no such top-up');
    if (r.amount <= 0n) throw new BillingRefusal('invalid_amount', 'a refund is a positive amount');
    if (r.reason.trim().length < 3 || r.reason.length > 500)
      throw new BillingRefusal('invalid_reason', 'a reason is required');
    if (!/^[\w.:-]{8,128}$/.test(r.idempotencyKey)) {
      throw new BillingRefusal('invalid_idempotency_key', 'idempotency key must be 8-128 characters [A-Za-z0-9_.:-]');
    }
    const key = `refund:${r.idempotencyKey}`;
    const result = await this.dataSource.transaction(async (m) => {
      const topUp = await this.repo.lockById(m, r.topUpId);
      if (!topUp) throw new BillingRefusal('not_found', 'no such top-up');
      const [prior] = (await m.query(
        `SELECT id, metadata->>'topUpId' AS top_up_id, metadata->>'amount' AS amount
           FROM billing.ledger_transactions WHERE idempotency_key = $1`,
        [key],
      )) as Array<{ id: string; top_up_id: string; amount: string }>;
      if (prior) {
        // A retry of the same refund answers the first one; the same key for another refund is a conflict.
        if (prior.top_up_id !== topUp.id || prior.amount !== r.amount.toString()) {
          throw new BillingRefusal('idempotency_conflict', 'this idempotency key was used for another refund');
        }
        return {
          transactionId: prior.id,
          refunded: BigInt(topUp.refunded_kopecks),
          balance: await this.ledger.balance(m, topUp.user_id),
          created: false,
        };
      }
      if (topUp.status !== 'succeeded') throw new BillingRefusal('not_refundable', `the top-up is ${topUp.status}`);
      const paid = BigInt(topUp.amount_kopecks);
      const refunded = BigInt(topUp.refunded_kopecks);
      if (refunded + r.amount > paid) {
        throw new BillingRefusal('refund_exceeds_payment', `at most ${paid - refunded} kopecks are left to refund`);
      }
      const wallet = await this.ledger.wallet(m, topUp.user_id);
      const clearing = await this.ledger.account(m, `clearing:${topUp.provider}`);
      let posted;
      try {
        posted = await this.ledger.post(m, {
          kind: 'refund',
          idempotencyKey: key,
          userId: topUp.user_id,
          description: `refund: ${r.reason.trim()}`,
          metadata: {
            adminId: r.adminId,
            topUpId: topUp.id,
            amount: r.amount.toString(),
            provider: topUp.provider,
            providerPaymentId: topUp.provider_payment_id,
          },
          legs: [
            { account: wallet, amount: -r.amount },
            { account: clearing, amount: r.amount },
          ],
        });
      } catch (err) {
        if (err instanceof InsufficientFunds) throw new BillingRefusal('insufficient_funds', err.message, err.missing);
        throw err;
      }
      await this.repo.addRefunded(m, topUp.id, r.amount);
      const balance = posted.balances.get(wallet.id) ?? 0n;
      await this.outbox.add(
        m,
        'wallet.adjusted',
        {
          userId: topUp.user_id,
          adminId: r.adminId,
          amountKopecks: -r.amount,
          reason: `refund of top-up ${topUp.id}: ${r.reason.trim()}`,
          balanceKopecks: balance,
          ledgerTransactionId: posted.transactionId,
        },
        { correlationId: posted.transactionId },
      );
      return { transactionId: posted.transactionId, refunded: refunded + r.amount, balance, created: true };
    });
    if (result.created) this.faults.afterCommit('refund_top_up');
    return result;
  }
}
