import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { Outbox } from '@atelier/messaging';
import { Ledger } from '../ledger/ledger.service';
import { CURRENCY, formatRoubles, type Kopecks } from '../ledger/money';
import { BillingRefusal } from '../support/billing-refusal';
import { FaultInjector } from '../support/fault-injector';
import { PaymentProviderError, WebhookRejected, type PaymentNotification } from './payment-provider';
import { PaymentProviders } from './payment-providers';
import { TopUpRepository, type TopUpRow } from './top-up.repository';

export interface WebhookResult {
  /** HTTP status for the provider: 2xx stops its retries, anything else makes it deliver again. */
  status: number;
  outcome: 'credited' | 'duplicate' | 'canceled' | 'ignored' | 'rejected';
  code?: string;
  message?: string;
}

/**
 * Wallet top-ups: start a payment with a provider (idempotent per user and key), and credit the wallet
 * exactly once when a verified webhook says it succeeded with the amount and currency we asked for.
 */
@Injectable()
export class TopUps {
  private readonly logger = new Logger('TopUps');

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TopUpRepository,
    private readonly providers: PaymentProviders,
    private readonly ledger: Ledger,
    private readonly outbox: Outbox,
    private readonly faults: FaultInjector,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>,
  ) {}

  async create(r: {
    userId: string;
    amountKopecks: Kopecks;
    provider: string;
    idempotencyKey: string;
    returnUrl: string;
  }): Promise<{ topUp: TopUpRow; created: boolean }> {
    const { TOP_UP_MIN_KOPECKS: min, TOP_UP_MAX_KOPECKS: max, YOOKASSA_RETURN_URL } = this.config.env;
    if (r.amountKopecks < BigInt(min) || r.amountKopecks > BigInt(max)) {
      throw new BillingRefusal(
        'invalid_amount',
        `a top-up is ${formatRoubles(BigInt(min))}–${formatRoubles(BigInt(max))} RUB`,
      );
    }
    if (!/^[\w.:-]{8,128}$/.test(r.idempotencyKey)) {
      throw new BillingRefusal('invalid_idempotency_key', 'idempotency key must be 8-128 characters [A-Za-z0-9_.:-]');
    }
    const provider = this.providers.get(r.provider);
    if (!provider) throw new BillingRefusal('unknown_provider', `payment provider ${r.provider} is not enabled`);
    const { row, created } = await this.dataSource.transaction((m) =>
      this.repo.insertOrGet(m, {
        id: randomUUID(),
        userId: r.userId,
        key: r.idempotencyKey,
        provider: provider.name,
        amount: r.amountKopecks,
      }),
    );
    if (BigInt(row.amount_kopecks) !== r.amountKopecks || row.provider !== provider.name) {
      throw new BillingRefusal('idempotency_conflict', 'this idempotency key was used for a different top-up');
    }
    if (row.provider_payment_id) return { topUp: row, created: false };
    // Outside any transaction: a slow provider must not hold locks. Retrying with the same key calls it again
    // with the same top-up id as its idempotence key, so the provider answers the same payment.
    let payment;
    try {
      payment = await provider.createPayment({
        topUpId: row.id,
        amountKopecks: r.amountKopecks,
        currency: CURRENCY,
        description: `Пополнение кошелька atelier на ${formatRoubles(r.amountKopecks)} ₽`,
        // `{top_up_id}` in the return URL lets the payer land on this top-up's result.
        returnUrl: (r.returnUrl || YOOKASSA_RETURN_URL).replace('{top_up_id}', row.id),
      });
    } catch (err) {
      if (err instanceof PaymentProviderError) {
        this.logger.warn(`top-up ${row.id}: ${err.message}`);
        throw new BillingRefusal('provider_unavailable', 'the payment provider did not accept the payment; retry');
      }
      throw err;
    }
    const topUp = await this.dataSource.transaction((m) =>
      this.repo.attachPayment(m, row.id, payment.providerPaymentId, payment.confirmationUrl),
    );
    return { topUp, created };
  }

  list(userId: string, limit: number, cursor?: { createdAt: string; id: string }): Promise<TopUpRow[]> {
    return this.repo.list(this.dataSource.manager, userId, limit, cursor);
  }

  /** One webhook delivery: verify, then credit once. Every delivery is recorded with its outcome. */
  async handleWebhook(
    providerName: string,
    rawBody: Buffer,
    headers: Record<string, string | undefined>,
  ): Promise<WebhookResult> {
    const body = rawBody.toString('utf8');
    const provider = this.providers.get(providerName);
    const record = async (result: WebhookResult, n?: PaymentNotification): Promise<WebhookResult> => {
      await this.repo.recordDelivery(this.dataSource.manager, {
        provider: providerName.slice(0, 32),
        event: n?.event ?? null,
        paymentId: n?.providerPaymentId ?? null,
        outcome: result.code ? `${result.outcome}:${result.code}` : result.outcome,
        detail: result.message ?? null,
        body,
      });
      return result;
    };
    if (!provider || provider.name !== providerName) {
      // Not stored: anyone can post to an unknown name, and the table is for deliveries of real providers.
      return { status: 404, outcome: 'rejected', code: 'unknown_provider', message: 'no such provider' };
    }
    let n: PaymentNotification;
    try {
      n = await provider.verifyWebhook(rawBody, headers);
    } catch (err) {
      if (err instanceof WebhookRejected) {
        this.logger.warn(`${providerName} webhook rejected: ${err.code}: ${err.message}`);
        const status = err.code === 'malformed' ? 400 : 401;
        return record({ status, outcome: 'rejected', code: err.code, message: err.message });
      }
      // The provider's API could not be asked: answer 503 so it delivers again later.
      this.logger.warn(`${providerName} webhook unverified: ${err instanceof Error ? err.message : String(err)}`);
      return record({ status: 503, outcome: 'rejected', code: 'verification_unavailable' });
    }
    if (n.event !== 'payment.succeeded' && n.event !== 'payment.canceled') {
      return record({ status: 200, outcome: 'ignored', message: `event ${n.event} is not handled` }, n);
    }
    const result = await this.dataSource.transaction(async (m) => {
      const topUp = await this.repo.lockByPayment(m, provider.name, n.providerPaymentId);
      const done = async (res: WebhookResult): Promise<WebhookResult> => {
        await this.repo.recordDelivery(m, {
          provider: provider.name,
          event: n.event,
          paymentId: n.providerPaymentId,
          outcome: res.code ? `${res.outcome}:${res.code}` : res.outcome,
          detail: res.message ?? null,
          body,
        });
        return res;
      };
      // Possibly a notification that overtook our own record of the payment: let the provider retry.
      if (!topUp) return done({ status: 404, outcome: 'rejected', code: 'unknown_payment' });
      if (topUp.status === 'succeeded') return done({ status: 200, outcome: 'duplicate' });
      if (n.event === 'payment.canceled') {
        if (topUp.status === 'pending') await this.repo.settle(m, topUp.id, 'failed', null, 'canceled by provider');
        return done({ status: 200, outcome: 'canceled' });
      }
      const amount = BigInt(topUp.amount_kopecks);
      if (n.amountKopecks !== amount || n.currency !== topUp.currency) {
        this.logger.error(
          `top-up ${topUp.id}: webhook says ${n.amountKopecks} ${n.currency}, we asked ${amount} ${topUp.currency}`,
        );
        return done({
          status: 422,
          outcome: 'rejected',
          code: 'amount_mismatch',
          message: `expected ${formatRoubles(amount)} ${topUp.currency}`,
        });
      }
      const wallet = await this.ledger.wallet(m, topUp.user_id);
      const clearing = await this.ledger.account(m, `clearing:${provider.name}`);
      const posted = await this.ledger.post(m, {
        kind: 'top_up',
        idempotencyKey: `top_up:${topUp.id}`,
        userId: topUp.user_id,
        description: `top-up via ${provider.name}`,
        metadata: { topUpId: topUp.id, providerPaymentId: n.providerPaymentId },
        legs: [
          { account: wallet, amount },
          { account: clearing, amount: -amount },
        ],
      });
      await this.repo.settle(m, topUp.id, 'succeeded', posted.transactionId, null);
      await this.outbox.add(
        m,
        'wallet.topped_up',
        {
          topUpId: topUp.id,
          userId: topUp.user_id,
          provider: provider.name,
          amountKopecks: amount,
          currency: topUp.currency,
          balanceKopecks: posted.balances.get(wallet.id) ?? (await this.ledger.balance(m, topUp.user_id)),
          ledgerTransactionId: posted.transactionId,
        },
        { correlationId: topUp.id },
      );
      return done({ status: 200, outcome: posted.created ? 'credited' : 'duplicate' });
    });
    if (result.outcome === 'credited') this.faults.afterCommit('credit_top_up');
    return result;
  }
}
