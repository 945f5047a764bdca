import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SandboxPayer } from './sandbox-payer.service';
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
    private readonly payer: SandboxPayer,
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
    if (!this.payer.enabled) {
      res.status(404).json({ error: { code: 'not_found', message: 'the sandbox provider is disabled' } });
      return;
    }
    const cancel = (req.query.outcome as string | undefined) === 'canceled';
    const r = await this.payer.settle(paymentId, cancel);
    if (!r) {
      res.status(404).json({ error: { code: 'not_found', message: 'no such sandbox payment' } });
      return;
    }
    res.status(r.status).json({ outcome: r.outcome, code: r.code });
  }
}
