import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { PeriodicTask } from '@atelier/service-kit';
import { Subscriptions } from './subscriptions.service';

/** Renews (or expires to Free) subscriptions whose period ended. Replicas share work via SKIP LOCKED. */
@Injectable()
export class SubscriptionRenewalScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SubscriptionRenewal');
  private readonly task: PeriodicTask;

  constructor(
    private readonly subscriptions: Subscriptions,
    @Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>,
  ) {
    this.task = new PeriodicTask('SubscriptionRenewal', config.env.SUBSCRIPTION_SWEEP_INTERVAL_MS, async () => {
      const moved = await this.subscriptions.renewDue();
      if (moved > 0) this.logger.log(`renewed or expired ${moved} subscription(s)`);
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
