import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toKopecks, type Kopecks } from './money';

export type AccountKind = 'wallet' | 'revenue' | 'clearing' | 'equity';
export type TransactionKind = 'top_up' | 'subscription_charge' | 'admin_adjustment' | 'refund';

export interface LedgerAccount {
  id: string;
  kind: AccountKind;
}

export interface StatementRow {
  entry_id: string;
  transaction_id: string;
  kind: TransactionKind;
  amount_kopecks: string;
  balance_after_kopecks: string;
  description: string;
  created_at: Date;
}

export interface ReceiptRow extends Omit<StatementRow, 'entry_id'> {
  top_up_id: string | null;
  provider: string | null;
  provider_payment_id: string | null;
}

export interface LedgerAudit {
  consistent: boolean;
  totalKopecks: Kopecks;
  accountsChecked: number;
  mismatchedAccounts: number;
  unbalancedTransactions: number;
  negativeWallets: number;
}

/** All SQL of the ledger. Every method runs in the caller's transaction. */
@Injectable()
export class LedgerRepository {
  /** The user's wallet account, opened on first use. */
  async wallet(m: EntityManager, userId: string): Promise<LedgerAccount> {
    const found = (await m.query(`SELECT id FROM billing.ledger_accounts WHERE kind = 'wallet' AND user_id = $1`, [
      userId,
    ])) as Array<{ id: string }>;
    if (found[0]) return { id: found[0].id, kind: 'wallet' };
    await m.query(
      `INSERT INTO billing.ledger_accounts (code, kind, user_id) VALUES ($1, 'wallet', $2) ON CONFLICT DO NOTHING`,
      [`wallet:${userId}`, userId],
    );
    return this.wallet(m, userId);
  }

  async systemAccount(m: EntityManager, code: string): Promise<LedgerAccount> {
    const rows = (await m.query(`SELECT id, kind FROM billing.ledger_accounts WHERE code = $1`, [code])) as Array<{
      id: string;
      kind: AccountKind;
    }>;
    if (!rows[0]) throw new Error(`ledger account ${code} does not exist`);
    return rows[0];
  }

  async walletBalance(m: EntityManager, userId: string): Promise<Kopecks> {
    const rows = (await m.query(
      `SELECT balance_kopecks FROM billing.ledger_accounts WHERE kind = 'wallet' AND user_id = $1`,
      [userId],
    )) as Array<{ balance_kopecks: string }>;
    return rows[0] ? toKopecks(rows[0].balance_kopecks) : 0n;
  }

  /** Inserts the transaction header unless its idempotency key exists; returns the id that holds the key. */
  async insertTransaction(
    m: EntityManager,
    tx: {
      id: string;
      kind: TransactionKind;
      idempotencyKey: string;
      userId: string | null;
      description: string;
      metadata: object;
    },
  ): Promise<{ id: string; created: boolean }> {
    const inserted = (await m.query(
      `INSERT INTO billing.ledger_transactions (id, kind, idempotency_key, user_id, description, metadata)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [tx.id, tx.kind, tx.idempotencyKey, tx.userId, tx.description, JSON.stringify(tx.metadata)],
    )) as Array<{ id: string }>;
    if (inserted[0]) return { id: inserted[0].id, created: true };
    const existing = (await m.query(`SELECT id FROM billing.ledger_transactions WHERE idempotency_key = $1`, [
      tx.idempotencyKey,
    ])) as Array<{ id: string }>;
    return { id: existing[0].id, created: false };
  }

  /**
   * Moves the cached balance by `delta` under the row lock. A wallet never goes below zero: the update is
   * conditional and answers the current balance when refused.
   */
  async applyDelta(
    m: EntityManager,
    account: LedgerAccount,
    delta: Kopecks,
  ): Promise<{ ok: boolean; balance: Kopecks }> {
    const rows = (await m.query(
      `UPDATE billing.ledger_accounts SET balance_kopecks = balance_kopecks + $2
        WHERE id = $1 AND (kind <> 'wallet' OR balance_kopecks + $2 >= 0)
        RETURNING balance_kopecks`,
      [account.id, delta.toString()],
    )) as [Array<{ balance_kopecks: string }>, number];
    if (rows[1] > 0) return { ok: true, balance: toKopecks(rows[0][0].balance_kopecks) };
    const current = (await m.query(`SELECT balance_kopecks FROM billing.ledger_accounts WHERE id = $1`, [
      account.id,
    ])) as Array<{ balance_kopecks: string }>;
    return { ok: false, balance: toKopecks(current[0].balance_kopecks) };
  }

  async insertEntry(
    m: EntityManager,
    transactionId: string,
    accountId: string,
    amount: Kopecks,
    balanceAfter: Kopecks,
  ): Promise<void> {
    await m.query(
      `INSERT INTO billing.ledger_entries (transaction_id, account_id, amount_kopecks, balance_after_kopecks)
       VALUES ($1, $2, $3, $4)`,
      [transactionId, accountId, amount.toString(), balanceAfter.toString()],
    );
  }

  /** The wallet's entries, newest first, after the cursor (an entry id). */
  async statement(m: EntityManager, userId: string, limit: number, beforeEntryId?: string): Promise<StatementRow[]> {
    return (await m.query(
      `SELECT e.id AS entry_id, e.transaction_id, t.kind, e.amount_kopecks, e.balance_after_kopecks,
              t.description, e.created_at
         FROM billing.ledger_entries e
         JOIN billing.ledger_accounts a ON a.id = e.account_id
         JOIN billing.ledger_transactions t ON t.id = e.transaction_id
        WHERE a.kind = 'wallet' AND a.user_id = $1 AND ($3::bigint IS NULL OR e.id < $3::bigint)
        ORDER BY e.id DESC
        LIMIT $2`,
      [userId, limit, beforeEntryId ?? null],
    )) as StatementRow[];
  }

  /** One transaction as it moved the user's wallet (undefined if it did not), with its top-up if any. */
  async receipt(m: EntityManager, userId: string, transactionId: string): Promise<ReceiptRow | undefined> {
    const rows = (await m.query(
      `SELECT t.id AS transaction_id, t.kind, t.description, e.created_at, e.amount_kopecks, e.balance_after_kopecks,
              u.id AS top_up_id, u.provider, u.provider_payment_id
         FROM billing.ledger_transactions t
         JOIN billing.ledger_entries e ON e.transaction_id = t.id
         JOIN billing.ledger_accounts a ON a.id = e.account_id AND a.kind = 'wallet' AND a.user_id = $1
         LEFT JOIN billing.top_ups u ON u.id::text = t.metadata->>'topUpId' AND u.user_id = $1
        WHERE t.id = $2`,
      [userId, transactionId],
    )) as ReceiptRow[];
    return rows[0];
  }

  /**
   * The proof that the cache agrees with the ledger: every account's cached balance equals the sum of its
   * entries and its last entry's balance_after; every transaction sums to zero with at least two entries;
   * no wallet is negative; all entries sum to zero. Run in a REPEATABLE READ transaction for one snapshot.
   */
  async audit(m: EntityManager): Promise<LedgerAudit> {
    const [accounts] = (await m.query(`
      WITH sums AS (
        SELECT account_id, sum(amount_kopecks) AS total FROM billing.ledger_entries GROUP BY account_id
      ), last AS (
        SELECT DISTINCT ON (account_id) account_id, balance_after_kopecks
          FROM billing.ledger_entries ORDER BY account_id, id DESC
      )
      SELECT count(*)::int AS checked,
             count(*) FILTER (
               WHERE a.balance_kopecks <> COALESCE(s.total, 0)
                  OR a.balance_kopecks <> COALESCE(l.balance_after_kopecks, 0))::int AS mismatched,
             count(*) FILTER (WHERE a.kind = 'wallet' AND a.balance_kopecks < 0)::int AS negative
        FROM billing.ledger_accounts a
        LEFT JOIN sums s ON s.account_id = a.id
        LEFT JOIN last l ON l.account_id = a.id`)) as Array<{ checked: number; mismatched: number; negative: number }>;
    const [tx] = (await m.query(`
      SELECT count(*)::int AS unbalanced FROM (
        SELECT t.id FROM billing.ledger_transactions t
          LEFT JOIN billing.ledger_entries e ON e.transaction_id = t.id
         GROUP BY t.id HAVING COALESCE(sum(e.amount_kopecks), 0) <> 0 OR count(e.id) < 2) x`)) as Array<{
      unbalanced: number;
    }>;
    const [total] = (await m.query(
      `SELECT COALESCE(sum(amount_kopecks), 0)::text AS total FROM billing.ledger_entries`,
    )) as Array<{ total: string }>;
    const totalKopecks = toKopecks(total.total);
    return {
      consistent: accounts.mismatched === 0 && accounts.negative === 0 && tx.unbalanced === 0 && totalKopecks === 0n,
      totalKopecks,
      accountsChecked: accounts.checked,
      mismatchedAccounts: accounts.mismatched,
      unbalancedTransactions: tx.unbalanced,
      negativeWallets: accounts.negative,
    };
  }
}
