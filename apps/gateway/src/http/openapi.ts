import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI generated from the controllers and DTOs: UI at /docs, JSON at /docs/openapi.json (assets served locally). */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('atelier API')
    .setDescription(
      'Public API of the atelier studio. Authenticate with `POST /v1/auth/login` and send ' +
        '`Authorization: Bearer <accessToken>`. Errors always have the shape `{error: {code, message, details}}`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addCookieAuth('atelier_at')
    .addGlobalResponse({
      status: 'default',
      description:
        'any error: 400 validation_failed/malformed_json, 401, 403 csrf_failed, 404, 409, 413, 415, 422, 429',
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
          },
        },
      },
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // Only the public API; web pages and health endpoints are not part of it.
    include: [],
  });
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/v1/')));
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
