import { Controller, Get, HttpCode, Optional, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '@atelier/messaging';
import { metricsRegistry } from '@atelier/observability';
import { PublicRoute } from './public-route';
import { MetricProbes } from './metric-probes';
import { ReadinessChecks } from './readiness-checks';

/** Open to anonymous callers: probes and Prometheus do not log in. */
@PublicRoute()
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly amqp: AmqpConnection,
    @Optional() private readonly extra?: ReadinessChecks,
    @Optional() private readonly probes?: MetricProbes,
  ) {}

  /** Liveness: the process answers. */
  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers, the broker connection is up, and every registered check is 'up'. */
  @Get('health/ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    try {
      await this.dataSource.query('SELECT 1');
      checks.database = 'up';
    } catch {
      checks.database = 'down';
    }
    checks.broker = this.amqp.connected ? 'up' : 'down';
    Object.assign(checks, this.extra?.evaluate());
    if (Object.values(checks).some((c) => c !== 'up')) {
      throw new ServiceUnavailableException({
        error: { code: 'not_ready', message: 'dependencies down', details: checks },
      });
    }
    return { status: 'ok', checks };
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    await this.probes?.refresh();
    res.setHeader('Content-Type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  }
}
