import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Kopecks } from './money';
import { LedgerRepository, type LedgerAccount, type LedgerAudit, type TransactionKind } from './ledger.repository';

/** A wallet debit that would take the balance below zero. Nothing of the posting is kept (the caller rolls back). */
export class InsufficientFunds extends Error {
  constructor(
    readonly balance: Kopecks,
    readonly required: Kopecks,
  ) {
    super(`wallet balance ${balance} kopecks is short of ${required} kopecks`);
    this.name = 'InsufficientFunds';
  }

  get missing(): Kopecks {
    return this.required - this.balance;
  }
}

export interface Posting {
  kind: TransactionKind;
  /** A posting with a key that was already used is not applied again. */
  idempotencyKey: string;
  userId: string | null;
  description: string;
  metadata?: object;
  legs: Array<{ account: LedgerAccount; amount: Kopecks }>;
}

export interface PostingResult {
  transactionId: string;
  /** False when the idempotency key had been posted before (nothing moved this time). */
  created: boolean;
  /** Cached balance of each account after the posting, by account id. */
  balances: Map<string, Kopecks>;
}

/**
 * The double-entry ledger: every movement is one transaction of legs that sum to zero, appended
 * (never edited), with each account's cached balance moved under its row lock in the same transaction.
 */
@Injectable()
export class Ledger {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly dataSource: DataSource,
  ) {}

  wallet(m: EntityManager, userId: string): Promise<LedgerAccount> {
    return this.repo.wallet(m, userId);
  }

  account(m: EntityManager, code: string): Promise<LedgerAccount> {
    return this.repo.systemAccount(m, code);
  }

  balance(m: EntityManager, userId: string): Promise<Kopecks> {
    return this.repo.walletBalance(m, userId);
  }

  /**
   * Applies the posting atomically inside the caller's transaction (a savepoint): on InsufficientFunds nothing
   * of it remains and the caller's transaction stays usable.
   */
  async post(m: EntityManager, posting: Posting): Promise<PostingResult> {
    await m.query('SAVEPOINT ledger_post');
    try {
      const result = await this.apply(m, posting);
      await m.query('RELEASE SAVEPOINT ledger_post');
      return result;
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT ledger_post');
      throw err;
    }
  }

  private async apply(m: EntityManager, posting: Posting): Promise<PostingResult> {
    const { legs } = posting;
    if (legs.length < 2) throw new Error('a posting needs at least two legs');
    if (legs.some((l) => l.amount === 0n)) throw new Error('a posting leg cannot be zero');
    if (legs.reduce((sum, l) => sum + l.amount, 0n) !== 0n) throw new Error('posting legs must sum to zero');
    const tx = await this.repo.insertTransaction(m, {
      id: randomUUID(),
      kind: posting.kind,
      idempotencyKey: posting.idempotencyKey,
      userId: posting.userId,
      description: posting.description,
      metadata: posting.metadata ?? {},
    });
    const balances = new Map<string, Kopecks>();
    if (!tx.created) return { transactionId: tx.id, created: false, balances };
    // Accounts are locked in id order so that concurrent postings cannot deadlock.
    const ordered = [...legs].sort((a, b) => Number(BigInt(a.account.id) - BigInt(b.account.id)));
    for (const leg of ordered) {
      const moved = await this.repo.applyDelta(m, leg.account, leg.amount);
      if (!moved.ok) throw new InsufficientFunds(moved.balance, -leg.amount);
      balances.set(leg.account.id, moved.balance);
      await this.repo.insertEntry(m, tx.id, leg.account.id, leg.amount, moved.balance);
    }
    return { transactionId: tx.id, created: true, balances };
  }

  /** Compares the cached balances with the entries in one snapshot. */
  audit(): Promise<LedgerAudit> {
    return this.dataSource.transaction('REPEATABLE READ', (m) => this.repo.audit(m));
  }
}
