import type { Kopecks } from '../ledger/money';

export interface CreatePaymentInput {
  /** Our top-up id; providers that support it use it as their idempotence key. */
  topUpId: string;
  amountKopecks: Kopecks;
  currency: 'RUB';
  description: string;
  returnUrl: string;
}

export interface CreatedPayment {
  providerPaymentId: string;
  /** Where the payer confirms the payment. */
  confirmationUrl: string;
}

/** What a verified webhook proves about a payment. */
export interface PaymentNotification {
  /** payment.succeeded, payment.canceled, ... */
  event: string;
  providerPaymentId: string;
  amountKopecks: Kopecks;
  currency: string;
}

export type WebhookRejectionCode = 'bad_signature' | 'stale_signature' | 'malformed' | 'unverifiable';

/** A webhook delivery that does not prove anything; recorded, answered 4xx, nothing credited. */
export class WebhookRejected extends Error {
  constructor(
    readonly code: WebhookRejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

/** The provider could not be reached or refused the request; the top-up can be retried with the same key. */
export class PaymentProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${provider}: ${message}`);
    this.name = 'PaymentProviderError';
  }
}

/** A payment service that takes money from a payer and tells us by webhook. */
export interface PaymentProvider {
  readonly name: string;
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  /** Proves a webhook delivery genuine (signature, or asking the provider) and says what it is about. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): Promise<PaymentNotification>;
}

/** The YooKassa-shaped notification body both built-in providers use: {event, object: {id, amount}}. */
export interface PaymentObjectJson {
  id?: unknown;
  status?: unknown;
  paid?: unknown;
  amount?: { value?: unknown; currency?: unknown };
}

export interface NotificationJson {
  type?: unknown;
  event?: unknown;
  object?: PaymentObjectJson;
}

export function parseNotification(rawBody: Buffer): { event: string; object: PaymentObjectJson & { id: string } } {
  let body: NotificationJson;
  try {
    body = JSON.parse(rawBody.toString('utf8')) as NotificationJson;
  } catch {
    throw new WebhookRejected('malformed', 'body is not JSON');
  }
  if (typeof body !== 'object' || body === null || typeof body.event !== 'string') {
    throw new WebhookRejected('malformed', 'event is missing');
  }
  const object = body.object;
  if (!object || typeof object.id !== 'string' || object.id.length === 0 || object.id.length > 100) {
    throw new WebhookRejected('malformed', 'object.id is missing');
  }
  return { event: body.event, object: { ...object, id: object.id } };
}
