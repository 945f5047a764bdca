import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { PeriodicTask } from '@atelier/service-kit';
import { Subscriptions } from './subscriptions.service';

/**
 * Renews (or expires to Free) subscriptions whose period ended. One replica sweeps at a time (advisory lock);
 * each subscription is also locked (SKIP LOCKED) and re-checked as due, and the charge has an idempotency key,
 * so even overlapping passes could not charge a period twice.
 */
@Injectable()
export class SubscriptionRenewalScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SubscriptionRenewal');
  private readonly task: PeriodicTask;

  constructor(
    private readonly subscriptions: Subscriptions,
    @Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>,
    dataSource: DataSource,
  ) {
    this.task = new PeriodicTask(
      'SubscriptionRenewal',
      config.env.SUBSCRIPTION_SWEEP_INTERVAL_MS,
      async () => {
        const moved = await this.subscriptions.renewDue();
        if (moved > 0) this.logger.log(`renewed or expired ${moved} subscription(s)`);
      },
      { dataSource, lock: 'billing.subscription-renewal' },
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
