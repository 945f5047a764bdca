import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  sagaDurationRecentSeconds,
  sagaFinishedRecent,
  sagaInFlight,
  sagaOldestInFlightSeconds,
} from '@atelier/observability';
import { MetricProbes } from '@atelier/service-kit';

/**
 * The saga's SLO signals, read from the read model at scrape time: the gateway sees every generation from request
 * to its end, and every replica reports the same numbers (the alert rules take max over replicas).
 */
@Injectable()
export class SagaMetricsProbe implements OnModuleInit {
  constructor(
    private readonly probes: MetricProbes,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.probes.register('saga', () => this.read());
  }

  private async read(): Promise<void> {
    const [open] = (await this.dataSource.query(
      `SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM gateway.generations WHERE completed_at IS NULL`,
    )) as Array<{ n: number; oldest: number }>;
    sagaInFlight.set(open.n);
    sagaOldestInFlightSeconds.set(Math.max(0, open.oldest));
    const finished = (await this.dataSource.query(
      `SELECT status, count(*)::int AS n FROM gateway.generations
        WHERE completed_at > now() - interval '10 minutes' GROUP BY status`,
    )) as Array<{ status: string; n: number }>;
    for (const status of ['completed', 'failed', 'rejected']) {
      sagaFinishedRecent.set({ status }, finished.find((f) => f.status === status)?.n ?? 0);
    }
    const [q] = (await this.dataSource.query(
      `SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP
                (ORDER BY EXTRACT(EPOCH FROM completed_at - created_at)) AS qs
         FROM gateway.generations
        WHERE status = 'completed' AND completed_at > now() - interval '10 minutes'`,
    )) as Array<{ qs: number[] | null }>;
    const qs = q.qs ?? [0, 0, 0];
    ['0.5', '0.95', '0.99'].forEach((quantile, i) => sagaDurationRecentSeconds.set({ quantile }, Number(qs[i])));
  }
}
