import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import { FaultInjector } from '../support/fault-injector';
import { BillingRefusal } from '../support/billing-refusal';
import { InsufficientFunds, Ledger } from './ledger.service';
import type { Kopecks } from './money';

/** Admin credits and debits of a wallet, against the adjustments equity account, with a reason. */
@Injectable()
export class WalletAdjustments {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: Ledger,
    private readonly outbox: Outbox,
    private readonly faults: FaultInjector,
  ) {}

  async adjust(a: {
    adminId: string;
    userId: string;
    amount: Kopecks;
    reason: string;
    idempotencyKey: string;
  }): Promise<{ transactionId: string; balance: Kopecks; created: boolean }> {
    if (a.amount === 0n) throw new BillingRefusal('invalid_amount', 'an adjustment cannot be zero');
    if (a.reason.trim().length < 3) throw new BillingRefusal('invalid_reason', 'a reason is required');
    const result = await this.dataSource.transaction(async (m) => {
      const wallet = await this.ledger.wallet(m, a.userId);
      const equity = await this.ledger.account(m, 'equity:adjustments');
      let posted;
      try {
        posted = await this.ledger.post(m, {
          kind: 'admin_adjustment',
          idempotencyKey: `adjust:${a.idempotencyKey}`,
          userId: a.userId,
          description: `adjustment: ${a.reason}`,
          metadata: { adminId: a.adminId, amount: a.amount.toString(), userId: a.userId },
          legs: [
            { account: wallet, amount: a.amount },
            { account: equity, amount: -a.amount },
          ],
        });
      } catch (err) {
        if (err instanceof InsufficientFunds) {
          throw new BillingRefusal('insufficient_funds', err.message, err.missing);
        }
        throw err;
      }
      if (!posted.created) {
        const [prior] = (await m.query(
          `SELECT metadata->>'amount' AS amount, user_id FROM billing.ledger_transactions WHERE id = $1`,
          [posted.transactionId],
        )) as Array<{ amount: string; user_id: string }>;
        if (prior.amount !== a.amount.toString() || prior.user_id !== a.userId) {
          throw new BillingRefusal('idempotency_conflict', 'this idempotency key was used for another adjustment');
        }
        return { transactionId: posted.transactionId, balance: await this.ledger.balance(m, a.userId), created: false };
      }
      const balance = posted.balances.get(wallet.id) ?? 0n;
      await this.outbox.add(
        m,
        'wallet.adjusted',
        {
          userId: a.userId,
          adminId: a.adminId,
          amountKopecks: a.amount,
          reason: a.reason,
          balanceKopecks: balance,
          ledgerTransactionId: posted.transactionId,
        },
        { correlationId: posted.transactionId },
      );
      return { transactionId: posted.transactionId, balance, created: true };
    });
    if (result.created) this.faults.afterCommit('adjust_wallet');
    return result;
  }
}
