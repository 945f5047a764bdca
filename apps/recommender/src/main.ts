import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootstrapService } from '@atelier/service-kit';
import { RecommenderModule } from './recommender.module';

void bootstrapService('recommender', RecommenderModule, {
  nestOptions: { bodyParser: false },
  configure: (app) => {
    const express = app as NestExpressApplication;
    express.disable('x-powered-by');
    // Catalog imports carry many items (and base64 photos); CSV arrives as text/csv.
    express.useBodyParser('json', { limit: '25mb' });
    express.useBodyParser('text', { type: 'text/csv', limit: '25mb' });
    // Photo uploads are the raw image; the sanitiser enforces PHOTO_MAX_BYTES (this bound only caps buffering).
    express.useBodyParser('raw', { type: ['image/jpeg', 'image/png', 'image/webp'], limit: '64mb' });
  },
});
