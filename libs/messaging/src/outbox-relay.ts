import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { EventType } from '@atelier/contracts';
import { outboxPending, outboxPublished } from '@atelier/observability';
import { envelopeToPublishOptions } from './envelope';
import { EventPublisher } from './event-publisher';
import { OUTBOX_WRITTEN } from './outbox';
import { publishInSpan } from './trace-context';

interface OutboxRow {
  id: string;
  type: EventType;
  payload: Buffer;
  correlation_id: string;
  causation_id: string;
  version: number;
  occurred_at: Date;
  traceparent: string | null;
  tracestate: string | null;
}

const BATCH = 200;

/**
 * Publishes committed outbox rows with publisher confirms, then marks them published.
 * Woken in-process right after a transaction that wrote to the outbox commits, with a slow poll as the
 * safety net (rows of a replica that died, broker outages).
 * Rows are locked with SKIP LOCKED so replicas of a service share the work.
 * A crash between confirm and mark re-publishes the row: consumers' inboxes make that a no-op.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.dataSource.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => {
        if (!queryRunner.data[OUTBOX_WRITTEN]) return;
        delete queryRunner.data[OUTBOX_WRITTEN];
        this.wake();
      },
    });
    this.timer = setInterval(() => this.wake(), this.config.messaging.outboxPollIntervalMs);
    this.wake();
  }

  /** Asks for a relay pass; passes never overlap, and a request during a pass schedules one more. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.loop().finally(() => {
      this.running = false;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const { published, more } = await this.relayBatch();
        if (more) this.again = true;
        if (published === 0 && !more) outboxPending.set(0);
      } catch (err) {
        // Broker or database unavailable: leave rows for the next pass.
        this.logger.warn(`relay pass failed: ${(err as Error).message}`);
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async relayBatch(): Promise<{ published: number; more: boolean }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows = (await runner.query(
        `SELECT id, type, payload, correlation_id, causation_id, version, occurred_at, traceparent, tracestate
           FROM "${this.config.database.schema}".outbox
          WHERE published_at IS NULL
          ORDER BY seq
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`,
      )) as OutboxRow[];
      if (rows.length === 0) {
        await runner.commitTransaction();
        return { published: 0, more: false };
      }
      await Promise.all(rows.map((row) => this.publishRow(row)));
      await runner.query(
        `UPDATE "${this.config.database.schema}".outbox SET published_at = now() WHERE id = ANY($1::uuid[])`,
        [rows.map((r) => r.id)],
      );
      await runner.commitTransaction();
      for (const row of rows) outboxPublished.inc({ event: row.type });
      return { published: rows.length, more: rows.length === BATCH };
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** One row, under a span continuing the trace stored with it (when tracing is on). */
  private publishRow(row: OutboxRow): Promise<boolean> {
    const options = envelopeToPublishOptions({
      eventId: row.id,
      type: row.type,
      version: row.version,
      correlationId: row.correlation_id,
      causationId: row.causation_id,
      producer: this.config.service,
      occurredAt: row.occurred_at.toISOString(),
    });
    const stored = { traceparent: row.traceparent ?? undefined, tracestate: row.tracestate ?? undefined };
    const attributes = {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': this.publisher.names.exchange,
      'messaging.rabbitmq.destination.routing_key': row.type,
      'messaging.message.id': row.id,
      'messaging.message.conversation_id': row.correlation_id,
    };
    return publishInSpan(this.config.tracing.enabled, stored, `publish ${row.type}`, attributes, (trace) =>
      this.publisher.publish(row.type, row.payload, {
        // Checked by the broker against the connection's user; consumers check it against the event's producers.
        userId: this.config.messaging.brokerUser,
        ...options,
        headers: { ...options.headers, ...trace },
      }),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }
}
