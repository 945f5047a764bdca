import './tracing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  bootstrapService,
  guardedJson,
  guardedText,
  rejectForbiddenCharacters,
  securityHeaders,
} from '@atelier/service-kit';
import { RecommenderModule } from './recommender.module';

void bootstrapService('recommender', RecommenderModule, {
  nestOptions: { bodyParser: false },
  configure: (app) => {
    const express = app as NestExpressApplication;
    express.disable('x-powered-by');
    express.use(securityHeaders);
    // Catalog imports carry many items (and base64 photos); CSV arrives as text/csv.
    // JSON deeper than 64 levels is refused from the bytes (400 json_too_deep).
    express.use(guardedJson({ limit: '25mb' }));
    express.use(guardedText({ type: 'text/csv', limit: '25mb' }));
    // Photo uploads are the raw image; the sanitiser enforces PHOTO_MAX_BYTES (this bound only caps buffering).
    express.useBodyParser('raw', { type: ['image/jpeg', 'image/png', 'image/webp'], limit: '64mb' });
    // A shop's zip of product photos (entries are bounded again while reading it).
    express.useBodyParser('raw', { type: ['application/zip', 'application/x-zip-compressed'], limit: '64mb' });
    // No NUL or lone surrogate in any path, query or body string (400 forbidden_characters).
    express.use(rejectForbiddenCharacters);
  },
});
