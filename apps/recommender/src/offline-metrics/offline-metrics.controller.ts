import { Controller, Get, HttpStatus, UseGuards } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import { DevCallerGuard, RequireRoles } from '../identity/dev-caller.guard';
import { OfflineMetrics } from './offline-metrics.service';
import { RecsEvalReportError, type RecsEvalReport } from './recs-eval-report';

@Controller('v1/recommendations')
@UseGuards(DevCallerGuard)
export class OfflineMetricsController {
  constructor(private readonly metrics: OfflineMetrics) {}

  /** The latest `npm run eval:recs` table for the admin dashboard; 404 `no_report` until one was written. */
  @Get('metrics')
  @RequireRoles('admin')
  latest(): RecsEvalReport {
    let report: RecsEvalReport | undefined;
    try {
      report = this.metrics.latest();
    } catch (err) {
      if (err instanceof RecsEvalReportError) {
        throw new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, 'report_invalid', err.message);
      }
      throw err;
    }
    if (!report) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'no_report', 'no offline evaluation yet: run npm run eval:recs');
    }
    return report;
  }
}
