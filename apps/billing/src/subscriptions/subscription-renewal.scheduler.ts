import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { Subscriptions } from './subscriptions.service';

/** Renews (or expires to Free) subscriptions whose period ended. Replicas share work via SKIP LOCKED. */
@Injectable()
export class SubscriptionRenewalScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SubscriptionRenewal');
  private timer?: NodeJS.Timeout;
  private pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly subscriptions: Subscriptions,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.pass = this.pass
        .then(async () => {
          const moved = await this.subscriptions.renewDue();
          if (moved > 0) this.logger.log(`renewed or expired ${moved} subscription(s)`);
        })
        .catch((err: Error) => this.logger.warn(`renewal pass failed: ${err.message}`));
    }, this.config.env.SUBSCRIPTION_SWEEP_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pass;
  }
}
