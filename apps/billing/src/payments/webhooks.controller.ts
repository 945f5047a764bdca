import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { formatRoubles } from '../ledger/money';
import { SANDBOX_SIGNATURE_HEADER, signSandboxWebhook } from './sandbox-payment.provider';
import { PaymentProviders } from './payment-providers';
import { TopUps } from './top-ups.service';

type RawRequest = Request & { rawBody?: Buffer };

const headerMap = (req: Request): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));

/**
 * Payment providers call billing directly (nginx routes /v1/billing/webhooks/ here): verification needs
 * the exact bytes that were signed, and the provider's retry contract maps straight onto our answer.
 */
@Controller('v1/billing')
export class WebhooksController {
  constructor(
    private readonly topUps: TopUps,
    private readonly providers: PaymentProviders,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>,
  ) {}

  @Post('webhooks/:provider')
  async webhook(@Param('provider') provider: string, @Req() req: RawRequest, @Res() res: Response): Promise<void> {
    if (!req.rawBody) {
      res.status(415).json({ error: { code: 'unsupported_media_type', message: 'send application/json' } });
      return;
    }
    const r = await this.topUps.handleWebhook(provider, req.rawBody, headerMap(req));
    if (r.status < 300) {
      res.status(r.status).json({ outcome: r.outcome });
      return;
    }
    res.status(r.status).json({ error: { code: r.code ?? r.outcome, message: r.message ?? r.outcome } });
  }

  /**
   * Sandbox only: plays the payer confirming (or cancelling) a sandbox payment. The sandbox "provider" signs
   * a notification and delivers it through the same webhook path a real provider would use.
   */
  @Post('sandbox/confirm/:paymentId')
  @HttpCode(200)
  async confirmSandbox(
    @Param('paymentId') paymentId: string,
    @Req() req: RawRequest,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.providers.get('sandbox') || this.providers.get('sandbox')?.name !== 'sandbox') {
      res.status(404).json({ error: { code: 'not_found', message: 'the sandbox provider is disabled' } });
      return;
    }
    const rows = (await this.dataSource.query(
      `SELECT amount_kopecks, currency FROM billing.top_ups WHERE provider = 'sandbox' AND provider_payment_id = $1`,
      [paymentId],
    )) as Array<{ amount_kopecks: string; currency: string }>;
    if (!rows[0]) {
      res.status(404).json({ error: { code: 'not_found', message: 'no such sandbox payment' } });
      return;
    }
    const cancel = (req.query.outcome as string | undefined) === 'canceled';
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
    const r = await this.topUps.handleWebhook('sandbox', Buffer.from(body), { [SANDBOX_SIGNATURE_HEADER]: signature });
    res.status(r.status).json({ outcome: r.outcome, code: r.code });
  }
}
