import { Global, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { metricProbeErrors, outboxLagSeconds, outboxUnpublished } from '@atelier/observability';

/** A scrape-time reader that sets gauges from state the service owns (usually one SQL query). */
export type MetricProbe = () => Promise<void>;

/**
 * Gauges read from SQL when Prometheus scrapes, so they are true for every replica without bookkeeping in the
 * hot path. A failing probe is counted and leaves its gauges at their last value; the scrape still answers.
 */
@Injectable()
export class MetricProbes {
  private readonly probes = new Map<string, MetricProbe>();

  register(name: string, probe: MetricProbe): void {
    this.probes.set(name, probe);
  }

  async refresh(): Promise<void> {
    await Promise.all(
      [...this.probes].map(([name, probe]) => probe().catch(() => metricProbeErrors.inc({ probe: name }))),
    );
  }
}

/** Outbox lag of the service's own schema: what the relay has not yet confirmed, and how old the oldest is. */
@Injectable()
export class OutboxLagProbe implements OnModuleInit {
  constructor(
    private readonly probes: MetricProbes,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  onModuleInit(): void {
    // The schema name comes from validated config (the service name), never from input.
    const table = `"${this.config.database.schema}".outbox`;
    this.probes.register('outbox', async () => {
      const [row] = (await this.dataSource.query(
        `SELECT count(*)::int AS n,
                COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at)), 0)::float8 AS lag
           FROM ${table} WHERE published_at IS NULL`,
      )) as Array<{ n: number; lag: number }>;
      outboxUnpublished.set(row.n);
      outboxLagSeconds.set(Math.max(0, row.lag));
    });
  }
}

@Global()
@Module({ providers: [MetricProbes, OutboxLagProbe], exports: [MetricProbes] })
export class MetricProbesModule {}
