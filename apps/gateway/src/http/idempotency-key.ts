import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';

/** The one key format every state-changing POST accepts (billing's top-ups and adjustments use it too). */
export const IDEMPOTENCY_KEY = /^[\w.:-]{8,128}$/;
const RULE = 'an Idempotency-Key header of 8-128 characters [A-Za-z0-9_.:-]';

/** For endpoints that require a key: a missing or malformed one is 400 `idempotency_key_required`. */
export const requireIdempotencyKey = (key: string | undefined): string => {
  if (!key || !IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'idempotency_key_required', `send ${RULE}`);
  }
  return key;
};

/** For endpoints where the key is optional: absent is fine, malformed is 400 `invalid_idempotency_key`. */
export const optionalIdempotencyKey = (key: string | undefined): string | undefined => {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_idempotency_key', `send ${RULE}, or none`);
  }
  return key;
};
