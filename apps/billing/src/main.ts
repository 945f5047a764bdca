import './tracing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@atelier/config';
import { bootstrapService, guardedJson, rejectForbiddenCharacters, securityHeaders } from '@atelier/service-kit';
import { BillingModule } from './billing.module';

void bootstrapService('billing', BillingModule, {
  nestOptions: { bodyParser: false },
  configure: (app) => {
    const express = app as NestExpressApplication;
    express.disable('x-powered-by');
    express.use(securityHeaders);
    // Payment webhooks are verified against the exact bytes the provider signed (req.rawBody); bodies are capped.
    express.use(guardedJson({ limit: loadConfig('billing').env.WEBHOOK_MAX_BYTES, keepRawBody: true }));
    express.use(rejectForbiddenCharacters);
  },
});
