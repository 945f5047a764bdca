import { Module } from '@nestjs/common';
import { OfflineMetricsController } from './offline-metrics.controller';
import { OfflineMetrics } from './offline-metrics.service';

/** Offline evaluation results (`npm run eval:recs`) served to the admin dashboard. */
@Module({
  controllers: [OfflineMetricsController],
  providers: [OfflineMetrics],
})
export class OfflineMetricsModule {}
