import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { PaymentProvider } from './payment-provider';
import { SandboxPaymentProvider } from './sandbox-payment.provider';
import { YooKassaPaymentProvider } from './yookassa-payment.provider';

/**
 * The enabled payment providers by name, chosen by configuration: the sandbox (never in production) and
 * the YooKassa-style adapter when its shop id and secret key are set.
 */
@Injectable()
export class PaymentProviders {
  private readonly logger = new Logger('PaymentProviders');
  private readonly providers = new Map<string, PaymentProvider>();
  readonly defaultName: string;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>) {
    const env = config.env;
    if (env.SANDBOX_PAYMENTS_ENABLED && config.nodeEnv !== 'production') {
      this.register(
        new SandboxPaymentProvider(
          env.SANDBOX_WEBHOOK_SECRET,
          env.SANDBOX_CONFIRMATION_URL,
          env.WEBHOOK_TOLERANCE_SECONDS,
        ),
      );
    }
    if (env.YOOKASSA_SHOP_ID && env.YOOKASSA_SECRET_KEY) {
      this.register(
        new YooKassaPaymentProvider({
          apiUrl: env.YOOKASSA_API_URL,
          shopId: env.YOOKASSA_SHOP_ID,
          secretKey: env.YOOKASSA_SECRET_KEY,
          timeoutMs: env.PAYMENT_HTTP_TIMEOUT_MS,
        }),
      );
    }
    this.defaultName = env.TOP_UP_DEFAULT_PROVIDER;
    this.logger.log(`payment providers: ${[...this.providers.keys()].join(', ') || 'none'}`);
  }

  private register(p: PaymentProvider): void {
    this.providers.set(p.name, p);
  }

  get(name: string): PaymentProvider | undefined {
    return this.providers.get(name || this.defaultName);
  }
}
