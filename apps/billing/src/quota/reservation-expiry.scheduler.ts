import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { Outbox } from '@atelier/messaging';
import { PeriodicTask } from '@atelier/service-kit';
import { QuotaReservations } from './quota-reservations.service';

/** Periodically expires reservations whose saga went silent (a service died mid-way). */
@Injectable()
export class ReservationExpiryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReservationExpiry');
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly quota: QuotaReservations,
    private readonly outbox: Outbox,
    @Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>,
  ) {
    // One sweeping replica at a time (advisory lock), so two never race to expire the same batch.
    this.task = new PeriodicTask('ReservationExpiry', config.env.RESERVATION_SWEEP_INTERVAL_MS, () => this.sweep(), {
      dataSource,
      lock: 'billing.reservation-expiry',
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** One pass; returns how many reservations expired. */
  async sweep(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const expired = await this.quota.expireOverdue(m, 100);
      for (const { generationId, userId, step, limitSeconds } of expired) {
        await this.outbox.add(
          m,
          'generation.failed',
          {
            generationId,
            userId,
            stage: 'timeout',
            code: 'saga_timeout',
            reason: `no progress from the ${step} step within its inactivity limit of ${limitSeconds} s`,
          },
          { correlationId: generationId },
        );
      }
      if (expired.length > 0) this.logger.warn(`expired ${expired.length} silent reservation(s)`);
      return expired.length;
    });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
