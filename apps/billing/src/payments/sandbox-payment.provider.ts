import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { parseRoubles } from '../ledger/money';
import {
  WebhookRejected,
  parseNotification,
  type CreatePaymentInput,
  type CreatedPayment,
  type PaymentNotification,
  type PaymentProvider,
} from './payment-provider';

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` — the timestamp is signed against replay. */
export function signSandboxWebhook(
  secret: string,
  rawBody: string | Buffer,
  at = Math.floor(Date.now() / 1000),
): string {
  const mac = createHmac('sha256', secret).update(`${at}.`).update(rawBody).digest('hex');
  return `t=${at},v1=${mac}`;
}

/**
 * A built-in provider for development and tests: payments are confirmed by a signed webhook (the sandbox
 * confirm endpoint sends one). Verification: HMAC-SHA256 over timestamp and raw body, compared in constant
 * time, timestamp within the tolerance window.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';

  constructor(
    private readonly secret: string,
    private readonly confirmationBaseUrl: string,
    private readonly toleranceSeconds: number,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  createPayment(_input: CreatePaymentInput): Promise<CreatedPayment> {
    const id = `sbx_${randomUUID()}`;
    return Promise.resolve({ providerPaymentId: id, confirmationUrl: `${this.confirmationBaseUrl}/${id}` });
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): Promise<PaymentNotification> {
    const header = headers[SANDBOX_SIGNATURE_HEADER] ?? '';
    const parts = Object.fromEntries(
      header.split(',').map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
      }),
    ) as Record<string, string | undefined>;
    const t = Number(parts.t);
    const given = parts.v1 ?? '';
    if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) {
      return Promise.reject(new WebhookRejected('bad_signature', 'signature header missing or malformed'));
    }
    const expected = createHmac('sha256', this.secret).update(`${t}.`).update(rawBody).digest();
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) {
      return Promise.reject(new WebhookRejected('bad_signature', 'signature does not match'));
    }
    if (Math.abs(this.clock() / 1000 - t) > this.toleranceSeconds) {
      return Promise.reject(new WebhookRejected('stale_signature', 'signature timestamp outside the tolerance'));
    }
    try {
      const { event, object } = parseNotification(rawBody);
      return Promise.resolve({
        event,
        providerPaymentId: object.id,
        amountKopecks: parseRoubles(String(object.amount?.value ?? '')),
        currency: String(object.amount?.currency ?? ''),
      });
    } catch (err) {
      return Promise.reject(err instanceof WebhookRejected ? err : new WebhookRejected('malformed', String(err)));
    }
  }
}
