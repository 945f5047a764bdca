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
import { QuotaReservations } from './quota-reservations.service';

/** Periodically expires reservations whose saga went silent (a service died mid-way). */
@Injectable()
export class ReservationExpiryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReservationExpiry');
  private timer?: NodeJS.Timeout;
  private pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly quota: QuotaReservations,
    private readonly outbox: Outbox,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.pass = this.pass
        .then(async () => void (await this.sweep()))
        .catch((err: Error) => this.logger.warn(`sweep failed: ${err.message}`));
    }, this.config.env.RESERVATION_SWEEP_INTERVAL_MS);
  }

  /** One pass; returns how many reservations expired. */
  async sweep(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const expired = await this.quota.expireOverdue(m, 100);
      for (const { generationId, userId } of expired) {
        await this.outbox.add(
          m,
          'generation.failed',
          {
            generationId,
            userId,
            stage: 'timeout',
            code: 'saga_timeout',
            reason: 'no progress before the reservation expired',
          },
          { correlationId: generationId },
        );
      }
      if (expired.length > 0) this.logger.warn(`expired ${expired.length} silent reservation(s)`);
      return expired.length;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pass;
  }
}
