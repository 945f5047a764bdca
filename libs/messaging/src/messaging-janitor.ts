import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';

const EVERY_MS = 10 * 60 * 1000;
const BATCH = 5000;

/** Keeps the outbox and inbox from growing forever: deletes old published events and old processed ids. */
@Injectable()
export class MessagingJanitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MessagingJanitor');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep().catch((err: Error) => this.logger.warn(err.message)), EVERY_MS);
    this.timer.unref();
  }

  /** One pass in small batches, so it never holds long locks. Returns rows deleted. */
  async sweep(): Promise<{ outbox: number; inbox: number }> {
    const s = this.config.database.schema;
    const { outboxRetentionHours, inboxRetentionDays } = this.config.messaging;
    const outbox = await this.deleteBatches(
      `DELETE FROM "${s}".outbox WHERE id IN (SELECT id FROM "${s}".outbox
         WHERE published_at < now() - make_interval(hours => $1) LIMIT ${BATCH})`,
      outboxRetentionHours,
    );
    const inbox = await this.deleteBatches(
      `DELETE FROM "${s}".inbox WHERE event_id IN (SELECT event_id FROM "${s}".inbox
         WHERE processed_at < now() - make_interval(days => $1) LIMIT ${BATCH})`,
      inboxRetentionDays,
    );
    return { outbox, inbox };
  }

  private async deleteBatches(sql: string, age: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [, count] = (await this.dataSource.query(sql, [age])) as [unknown, number];
      total += count;
      if (count < BATCH) return total;
    }
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
