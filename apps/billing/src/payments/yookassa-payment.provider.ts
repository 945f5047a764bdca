import { formatRoubles, parseRoubles } from '../ledger/money';
import {
  PaymentProviderError,
  WebhookRejected,
  parseNotification,
  type CreatePaymentInput,
  type CreatedPayment,
  type PaymentNotification,
  type PaymentObjectJson,
  type PaymentProvider,
} from './payment-provider';

export interface YooKassaOptions {
  /** e.g. https://api.yookassa.ru/v3 */
  apiUrl: string;
  shopId: string;
  secretKey: string;
  timeoutMs: number;
}

interface PaymentJson extends PaymentObjectJson {
  confirmation?: { type?: unknown; confirmation_url?: unknown };
}

/**
 * Adapter for a YooKassa-style API: POST /payments (Basic auth shopId:secretKey, Idempotence-Key) answers a
 * pending payment with a redirect confirmation URL; the payer pays there; the provider notifies us with
 * {type: notification, event: payment.succeeded, object: payment}. Those notifications are not signed, so
 * a webhook is verified by asking the API for the payment (GET /payments/{id}) and trusting only its answer:
 * status succeeded and paid, with the amount and currency the API reports.
 */
export class YooKassaPaymentProvider implements PaymentProvider {
  readonly name = 'yookassa';

  constructor(private readonly options: YooKassaOptions) {}

  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    const payment = await this.request('POST', '/payments', input.topUpId, {
      amount: { value: formatRoubles(input.amountKopecks), currency: input.currency },
      capture: true,
      confirmation: { type: 'redirect', return_url: input.returnUrl },
      description: input.description.slice(0, 128),
      metadata: { top_up_id: input.topUpId },
    });
    const url = payment.confirmation?.confirmation_url;
    if (typeof payment.id !== 'string' || typeof url !== 'string') {
      throw new PaymentProviderError(this.name, 'payment answer without id or confirmation_url');
    }
    return { providerPaymentId: payment.id, confirmationUrl: url };
  }

  async verifyWebhook(rawBody: Buffer): Promise<PaymentNotification> {
    const { event, object } = parseNotification(rawBody);
    if (!/^[\w-]{1,64}$/.test(object.id)) throw new WebhookRejected('malformed', 'payment id is not an id');
    let payment: PaymentJson;
    try {
      payment = await this.request('GET', `/payments/${encodeURIComponent(object.id)}`);
    } catch (err) {
      // 404: no such payment at the provider — the notification is forged.
      if (err instanceof PaymentProviderError && err.status === 404) {
        throw new WebhookRejected('unverifiable', `the provider does not know payment ${object.id}`);
      }
      throw err;
    }
    const status = String(payment.status ?? '');
    const expected = event === 'payment.succeeded' ? 'succeeded' : event === 'payment.canceled' ? 'canceled' : status;
    if (status !== expected || (expected === 'succeeded' && payment.paid !== true)) {
      throw new WebhookRejected('unverifiable', `notification says ${event} but the payment is ${status}`);
    }
    let amountKopecks: bigint;
    try {
      amountKopecks = parseRoubles(String(payment.amount?.value ?? ''));
    } catch {
      throw new WebhookRejected('malformed', 'payment amount is not a decimal');
    }
    return {
      event,
      providerPaymentId: object.id,
      amountKopecks,
      currency: String(payment.amount?.currency ?? ''),
    };
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    idempotenceKey?: string,
    body?: object,
  ): Promise<PaymentJson> {
    const auth = Buffer.from(`${this.options.shopId}:${this.options.secretKey}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(`${this.options.apiUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Basic ${auth}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(idempotenceKey ? { 'idempotence-key': idempotenceKey } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new PaymentProviderError(this.name, `unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await res.text();
    if (!res.ok) throw new PaymentProviderError(this.name, `HTTP ${res.status}: ${text.slice(0, 200)}`, res.status);
    try {
      return JSON.parse(text) as PaymentJson;
    } catch {
      throw new PaymentProviderError(this.name, 'answer is not JSON');
    }
  }
}
