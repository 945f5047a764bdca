import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { readRecsEvalReport, type RecsEvalReport } from './recs-eval-report';

/** The latest offline evaluation written by `npm run eval:recs` into RECOMMENDER_MODELS_DIR/reports. */
@Injectable()
export class OfflineMetrics {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>) {}

  /** Read on every call: the file is small, asked for by admins only, and may be rewritten while we run. */
  latest(): RecsEvalReport | undefined {
    return readRecsEvalReport(this.config.env.RECOMMENDER_MODELS_DIR);
  }
}
