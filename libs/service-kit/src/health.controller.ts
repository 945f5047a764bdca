import { timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Optional,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
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
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
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

  /** Prometheus text; behind METRICS_TOKEN when one is set (a 404 then, like any route the caller may not know). */
  @Get('metrics')
  async metrics(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = this.config.env.METRICS_TOKEN;
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.status(HttpStatus.NOT_FOUND).json({ error: { code: 'not_found', message: 'not found' } });
      return;
    }
    await this.probes?.refresh();
    res.setHeader('Content-Type', metricsRegistry.contentType);
    res.send(await metricsRegistry.metrics());
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '', 'utf8');
  const expected = Buffer.from(token, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
