import './tracing';
import cookieParser from 'cookie-parser';
import { raw } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@atelier/config';
import {
  bootstrapService,
  guardedJson,
  guardedText,
  rejectForbiddenCharacters,
  securityHeaders,
  docsHeaders,
} from '@atelier/service-kit';
import { BUILT_ASSETS_DIR } from './web/asset-manifest';
import { GatewayModule } from './gateway.module';
import { PHOTO_BODY_TYPES, rejectUnsupportedBodies } from './http/api-validation.pipe';
import { setupAsyncApi } from './http/asyncapi';
import { setupOpenApi } from './http/openapi';

void bootstrapService('gateway', GatewayModule, {
  // Our own JSON parser with a small limit replaces the default one.
  nestOptions: { bodyParser: false },
  configure: (app) => {
    const express = app as NestExpressApplication;
    const config = loadConfig('gateway');
    express.disable('x-powered-by');
    express.use(securityHeaders);
    // req.ip (rate limits) from X-Forwarded-For only across the configured proxy hops.
    express.set('trust proxy', config.env.TRUST_PROXY_HOPS);
    express.use(rejectUnsupportedBodies);
    // The web's stylesheets and scripts: only content-hashed files live there, so all of them are immutable.
    express.useStaticAssets(BUILT_ASSETS_DIR, { prefix: '/assets/', immutable: true, maxAge: '1y', index: false });
    // Uploads relayed to the recommender get room for their bodies; everything else keeps the small JSON limit.
    const uploadLimit = config.env.UPLOAD_MAX_BYTES;
    express.use('/v1/photos', raw({ type: PHOTO_BODY_TYPES, limit: uploadLimit }));
    express.use(
      '/v1/catalog/import',
      guardedText({ type: 'text/csv', limit: uploadLimit }),
      guardedJson({ limit: uploadLimit }),
    );
    express.use('/v1/catalog/items', guardedJson({ limit: uploadLimit }));
    express.use('/v1/catalog/manage/import/jobs', guardedJson({ limit: uploadLimit }));
    // JSON nested deeper than 64 levels is refused from the bytes, before parsing (400 json_too_deep).
    express.use(guardedJson({ limit: '64kb' }));
    // The web studio's forms.
    express.useBodyParser('urlencoded', { limit: '64kb', extended: false, parameterLimit: 50 });
    // No NUL or lone surrogate in any path, query or body string (400 forbidden_characters).
    express.use(rejectForbiddenCharacters);
    express.use(cookieParser());
    // OpenAPI: off in production unless DOCS_ENABLED=true, and then with a strict CSP and never framed.
    if (config.env.DOCS_ENABLED ?? config.nodeEnv !== 'production') {
      express.use('/docs', docsHeaders);
      setupOpenApi(express);
      setupAsyncApi(express, config.messaging.namespace);
    }
  },
});
