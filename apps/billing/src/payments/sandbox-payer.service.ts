import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { formatRoubles } from '../ledger/money';
import { PaymentProviders } from './payment-providers';
import { SANDBOX_SIGNATURE_HEADER, signSandboxWebhook } from './sandbox-payment.provider';
import { TopUps, type WebhookResult } from './top-ups.service';

/**
 * Plays the payer of a sandbox payment: builds the notification a provider would send for the payment's own
 * amount, signs it and delivers it through the webhook path, so the sandbox exercises exactly what a real
 * provider does. Used by billing's `/v1/billing/sandbox/confirm/:paymentId` and the gateway's payer page.
 */
@Injectable()
export class SandboxPayer {
  constructor(
    private readonly topUps: TopUps,
    private readonly providers: PaymentProviders,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>,
  ) {}

  get enabled(): boolean {
    return this.providers.get('sandbox')?.name === 'sandbox';
  }

  /** Undefined when there is no such sandbox payment (for this user, when one is given). */
  async settle(paymentId: string, cancel: boolean, userId?: string): Promise<WebhookResult | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT amount_kopecks, currency FROM billing.top_ups
        WHERE provider = 'sandbox' AND provider_payment_id = $1 AND ($2::uuid IS NULL OR user_id = $2::uuid)`,
      [paymentId, userId ?? null],
    )) as Array<{ amount_kopecks: string; currency: string }>;
    if (!rows[0]) return undefined;
    const body = JSON.stringify({
      type: 'notification',
      event: cancel ? 'payment.canceled' : 'payment.succeeded',
      object: {
        id: paymentId,
        status: cancel ? 'canceled' : 'succeeded',
        paid: !cancel,
        amount: { value: formatRoubles(BigInt(rows[0].amount_kopecks)), currency: rows[0].currency },
      },
    });
    const signature = signSandboxWebhook(this.config.env.SANDBOX_WEBHOOK_SECRET, body);
    return this.topUps.handleWebhook('sandbox', Buffer.from(body), { [SANDBOX_SIGNATURE_HEADER]: signature });
  }
}
