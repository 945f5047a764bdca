import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RpcName, type RpcRequest } from '@atelier/contracts';
import { type RpcReplyInit } from '@atelier/messaging';
import { DataSource } from 'typeorm';
import { refusalReply } from '../support/billing-refusal';
import { type InternalCaller } from '@atelier/service-kit';
import { SignedCaller, VerifiedCaller } from '../support/signed-caller';
import { Refunds } from './refunds.service';
import { SandboxPayer } from './sandbox-payer.service';
import { TopUpRepository } from './top-up.repository';
import { decodeCursor, encodeCursor, topUpToProto } from './top-ups.handlers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAYMENT_ID = /^[\w-]{1,100}$/;
const notFound = { code: 'not_found', message: 'no such top-up', missingKopecks: 0n };

/** `billing.get_top_up` (read): one of the caller's top-ups, for the payer and result pages. */
@Controller()
export class GetTopUpHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TopUpRepository,
  ) {}

  @MessagePattern<RpcName>('billing.get_top_up')
  async answer(@Payload() r: RpcRequest<'billing.get_top_up'>): Promise<RpcReplyInit<'billing.get_top_up'>> {
    if (!UUID.test(r.userId)) return { error: notFound };
    if (r.topUpId ? !UUID.test(r.topUpId) : !PAYMENT_ID.test(r.providerPayment)) return { error: notFound };
    const row = await this.repo.findForUser(this.dataSource.manager, r.userId, {
      id: r.topUpId || undefined,
      providerPaymentId: r.providerPayment,
    });
    return row ? { topUp: topUpToProto(row) } : { error: notFound };
  }
}

/** `billing.settle_sandbox_payment` (signed caller = the payer): confirm or decline on the gateway's payer page. */
@Controller()
export class SettleSandboxPaymentHandler {
  constructor(
    private readonly payer: SandboxPayer,
    private readonly dataSource: DataSource,
    private readonly repo: TopUpRepository,
  ) {}

  @MessagePattern<RpcName>('billing.settle_sandbox_payment')
  @SignedCaller({ actsOnField: 'userId' })
  async answer(
    @Payload() r: RpcRequest<'billing.settle_sandbox_payment'>,
  ): Promise<RpcReplyInit<'billing.settle_sandbox_payment'>> {
    if (!this.payer.enabled) return { error: { code: 'not_found', message: 'the sandbox provider is disabled' } };
    if (r.outcome !== 'succeeded' && r.outcome !== 'canceled') {
      return { error: { code: 'invalid_outcome', message: 'outcome is succeeded or canceled' } };
    }
    if (!UUID.test(r.userId) || !PAYMENT_ID.test(r.providerPayment)) return { error: notFound };
    const m = this.dataSource.manager;
    const before = await this.repo.findForUser(m, r.userId, { providerPaymentId: r.providerPayment });
    if (!before || before.provider !== 'sandbox') return { error: notFound };
    // The payer page acts once: a settled payment is not paid (or declined) again.
    if (before.status !== 'pending') {
      return { error: { code: 'not_pending', message: `the payment is already ${before.status}` } };
    }
    const result = await this.payer.settle(r.providerPayment, r.outcome === 'canceled', r.userId);
    const after = await this.repo.findForUser(m, r.userId, { providerPaymentId: r.providerPayment });
    return { result: result?.outcome ?? 'rejected', topUp: after && topUpToProto(after) };
  }
}

/** `billing.admin_list_top_ups` (admin, signed caller): every user's top-ups, newest first. */
@Controller()
export class AdminListTopUpsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TopUpRepository,
  ) {}

  @MessagePattern<RpcName>('billing.admin_list_top_ups')
  @SignedCaller('admin')
  async answer(
    @Payload() r: RpcRequest<'billing.admin_list_top_ups'>,
  ): Promise<RpcReplyInit<'billing.admin_list_top_ups'>> {
    const limit = Math.min(Math.max(r.limit || 20, 1), 100);
    const status = ['pending', 'succeeded', 'failed'].includes(r.status) ? r.status : null;
    const cursor = r.cursor ? decodeCursor(r.cursor) : undefined;
    const rows = await this.repo.listAll(this.dataSource.manager, limit + 1, status, cursor);
    const page = rows.slice(0, limit);
    return {
      topUps: page.map((t) => ({
        topUp: topUpToProto(t),
        userId: t.user_id,
        refundedKopecks: BigInt(t.refunded_kopecks),
        providerPayment: t.provider_payment_id ?? '',
      })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : '',
    };
  }
}

/** `billing.refund_top_up` (admin, signed caller): give (part of) a top-up back, with a reason. */
@Controller()
export class RefundTopUpHandler {
  constructor(private readonly refunds: Refunds) {}

  @MessagePattern<RpcName>('billing.refund_top_up')
  @SignedCaller('admin')
  async answer(
    @Payload() r: RpcRequest<'billing.refund_top_up'>,
    @VerifiedCaller() admin: InternalCaller,
  ): Promise<RpcReplyInit<'billing.refund_top_up'>> {
    try {
      const done = await this.refunds.refund({
        adminId: admin.userId,
        topUpId: r.topUpId,
        amount: r.amountKopecks,
        reason: r.reason,
        idempotencyKey: r.idempotencyKey,
      });
      return {
        transactionId: done.transactionId,
        refundedKopecks: done.refunded,
        balanceKopecks: done.balance,
        created: done.created,
      };
    } catch (err) {
      return { error: refusalReply(err) };
    }
  }
}
