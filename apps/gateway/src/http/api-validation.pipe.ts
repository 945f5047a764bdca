import { type ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { validationErrorFactory, type ApiErrorBody } from '@atelier/service-kit';

/**
 * The one validation pipe: DTOs whitelisted (unknown fields are errors), transformed, errors in the API shape.
 * A request body must be a JSON object (arrays and scalars are 400); no body reads as `{}`.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({ transform: true, whitelist: true, forbidNonWhitelisted: true, exceptionFactory: validationErrorFactory });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && typeof metadata.metatype === 'function') {
      if (value === undefined) value = {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new BadRequestException({
          error: { code: 'validation_failed', message: 'the request body must be a JSON object' },
        } satisfies ApiErrorBody);
      }
      const reserved = Object.keys(value).filter((k) => PROTOTYPE_NAMES.has(k));
      if (reserved.length > 0) {
        throw new BadRequestException({
          error: {
            code: 'validation_failed',
            message: reserved.map((k) => `property ${k} should not exist`).join(', '),
            details: reserved.map((field) => ({ field, problems: [`property ${field} should not exist`] })),
          },
        } satisfies ApiErrorBody);
      }
    }
    return super.transform(value, metadata);
  }
}

// class-validator's whitelist misses fields named like Object.prototype members (found by fuzzing `valueOf`).
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

export const PHOTO_BODY_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** The routes that also take another body: the raw photo and a CSV catalogue, both relayed to the recommender. */
export const UPLOAD_ROUTES: ReadonlyArray<{ path: string; types: readonly string[]; prefix?: boolean }> = [
  { path: '/v1/photos', types: PHOTO_BODY_TYPES },
  { path: '/v1/catalog/import', types: ['text/csv'] },
  // The shop's upload forms (CSV/JSON import, product photo, zip of photos), parsed by multer in their routes.
  { path: '/shop/manage/', types: ['multipart/form-data'], prefix: true },
  // A dating-profile photo (the "my profile" page's upload form), relayed to POST /v1/photos.
  { path: '/dating/profile/photos', types: ['multipart/form-data'] },
];

/** Brand-kit logo uploads: the API's PUT …/logo and the web's create/edit forms (multipart, parsed by multer). */
const MULTIPART_PATHS = /^\/(?:v1\/brand-profiles\/[^/]+\/logo|brand-profiles(?:\/[^/]+)?)$/u;

/** A body in any other media type is refused (415) instead of being silently ignored. */
export function rejectUnsupportedBodies(req: Request, res: Response, next: NextFunction): void {
  const empty = req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined;
  const accepted = [
    ...BODY_TYPES,
    ...(UPLOAD_ROUTES.find((r) => r.path === req.path || (r.prefix && req.path.startsWith(r.path)))?.types ?? []),
    ...(MULTIPART_PATHS.test(req.path) ? ['multipart/form-data'] : []),
  ];
  if (!empty && req.is(accepted) === false) {
    res.status(415).json({
      error: { code: 'unsupported_media_type', message: `send ${accepted.join(' or ')}` },
    } satisfies ApiErrorBody);
    return;
  }
  next();
}
