import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { type RpcRequest, type RpcName } from '@atelier/contracts';
import { type RpcReplyInit } from '@atelier/messaging';
import { refusalReply } from '../support/billing-refusal';
import { type InternalCaller } from '@atelier/service-kit';
import { SignedCaller, VerifiedCaller } from '../support/signed-caller';
import { LedgerRepository } from './ledger.repository';
import { Ledger } from './ledger.service';
import { CURRENCY } from './money';
import { WalletAdjustments } from './wallet-adjustments.service';

const MAX_PAGE = 100;

/** `billing.get_ledger`: the caller's wallet statement, newest first, cursor-paginated. */
@Controller()
export class GetLedgerHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: LedgerRepository,
  ) {}

  @MessagePattern<RpcName>('billing.get_ledger')
  async answer(@Payload() r: RpcRequest<'billing.get_ledger'>): Promise<RpcReplyInit<'billing.get_ledger'>> {
    const limit = Math.min(Math.max(r.limit || 20, 1), MAX_PAGE);
    const cursor = /^\d{1,18}$/.test(r.cursor) ? r.cursor : undefined;
    const m = this.dataSource.manager;
    const rows = await this.repo.statement(m, r.userId, limit + 1, cursor);
    const page = rows.slice(0, limit);
    return {
      entries: page.map((e) => ({
        entryId: e.entry_id,
        transactionId: e.transaction_id,
        kind: e.kind,
        amountKopecks: BigInt(e.amount_kopecks),
        balanceAfterKopecks: BigInt(e.balance_after_kopecks),
        description: e.description,
        createdAt: e.created_at.toISOString(),
      })),
      nextCursor: rows.length > limit ? page[page.length - 1].entry_id : '',
      balanceKopecks: await this.repo.walletBalance(m, r.userId),
      currency: CURRENCY,
    };
  }
}

/** `billing.audit_ledger` (admin): the proof that cached balances equal the ledger. */
@Controller()
export class AuditLedgerHandler {
  constructor(private readonly ledger: Ledger) {}

  @MessagePattern<RpcName>('billing.audit_ledger')
  async answer(): Promise<RpcReplyInit<'billing.audit_ledger'>> {
    return this.ledger.audit();
  }
}

/** `billing.adjust_wallet` (admin, signed caller): credit or debit a wallet with a reason. */
@Controller()
export class AdjustWalletHandler {
  constructor(private readonly adjustments: WalletAdjustments) {}

  @MessagePattern<RpcName>('billing.adjust_wallet')
  @SignedCaller('admin')
  async answer(
    @Payload() r: RpcRequest<'billing.adjust_wallet'>,
    @VerifiedCaller() admin: InternalCaller,
  ): Promise<RpcReplyInit<'billing.adjust_wallet'>> {
    try {
      const done = await this.adjustments.adjust({
        adminId: admin.userId,
        userId: r.userId,
        amount: r.amountKopecks,
        reason: r.reason,
        idempotencyKey: r.idempotencyKey,
      });
      return { transactionId: done.transactionId, balanceKopecks: done.balance, created: done.created };
    } catch (err) {
      return { error: refusalReply(err) };
    }
  }
}

const TX_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `billing.get_receipt` (read): one transaction of the caller's wallet, for a printable receipt. */
@Controller()
export class GetReceiptHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: LedgerRepository,
  ) {}

  @MessagePattern<RpcName>('billing.get_receipt')
  async answer(@Payload() r: RpcRequest<'billing.get_receipt'>): Promise<RpcReplyInit<'billing.get_receipt'>> {
    const missing = { error: { code: 'not_found', message: 'no such transaction on this wallet' } };
    if (!TX_ID.test(r.userId) || !TX_ID.test(r.transactionId)) return missing;
    const row = await this.repo.receipt(this.dataSource.manager, r.userId, r.transactionId);
    if (!row) return missing;
    return {
      transactionId: row.transaction_id,
      kind: row.kind,
      description: row.description,
      createdAt: row.created_at.toISOString(),
      amountKopecks: BigInt(row.amount_kopecks),
      balanceAfterKopecks: BigInt(row.balance_after_kopecks),
      currency: CURRENCY,
      provider: row.provider ?? '',
      providerPayment: row.provider_payment_id ?? '',
      topUpId: row.top_up_id ?? '',
    };
  }
}
