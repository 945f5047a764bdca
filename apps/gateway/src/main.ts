import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootstrapService } from '@atelier/service-kit';
import { GatewayModule } from './gateway.module';

void bootstrapService('gateway', GatewayModule, {
  // Our own JSON parser with a small limit replaces the default one.
  nestOptions: { bodyParser: false },
  configure: (app) => {
    const express = app as NestExpressApplication;
    express.disable('x-powered-by');
    express.useBodyParser('json', { limit: '64kb' });
  },
});
