// The mesh's one rule for untrusted HTTP input, applied before any route: bounded JSON depth, and no NUL or lone
// UTF-16 surrogate in any string, key, query value or path segment (PostgreSQL refuses NUL in text; a lone
// surrogate cannot be encoded). Every refusal is a 400 in the API's error shape.
import { json, text, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { ApiErrorBody } from './api-error';

/** Deepest JSON nesting accepted (objects and arrays); real payloads of the mesh stay under 10. */
export const MAX_JSON_DEPTH = 64;

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const FORBIDDEN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string holds a NUL or a lone surrogate. */
export const hasForbiddenCharacters = (s: string): boolean => FORBIDDEN.test(s);

/** Whether the JSON text nests objects/arrays deeper than `max` (a scan of the bytes, before any parse). */
export function jsonDepthExceeds(body: Buffer | string, max = MAX_JSON_DEPTH): boolean {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The path (e.g. `items.3.title`) of the first string or key with a forbidden character, if any. */
export function findForbiddenString(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return hasForbiddenCharacters(value) ? path || '(value)' : undefined;
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenString(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (hasForbiddenCharacters(key)) return at;
    const found = findForbiddenString(v, at);
    if (found) return found;
  }
  return undefined;
}

/** Keys that name Object.prototype members (and `prototype`): validators' whitelists miss them, so none is data. */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** The path of the first object key that names a prototype member, if any. */
export function findPrototypeKey(value: unknown, path = ''): string | undefined {
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  for (const [key, v] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && PROTOTYPE_KEYS.has(key)) return at;
    const found = findPrototypeKey(v, at);
    if (found) return found;
  }
  return undefined;
}

const refuse = (res: Response, status: number, code: string, message: string): void => {
  res.status(status).json({ error: { code, message } } satisfies ApiErrorBody);
};

class JsonTooDeep extends Error {}

const PARSER_CODES: Record<string, string> = {
  'entity.too.large': 'payload_too_large',
  'entity.parse.failed': 'malformed_json',
  'charset.unsupported': 'unsupported_charset',
  'encoding.unsupported': 'unsupported_encoding',
  'request.aborted': 'request_aborted',
};

export interface GuardedJsonOptions {
  limit: number | string;
  type?: string | string[];
  /** Keep the exact bytes as `req.rawBody` (signed webhooks). */
  keepRawBody?: boolean;
}

/**
 * express.json with the depth cap checked on the raw bytes before parsing, and every parser failure answered
 * here as a 4xx in the API's shape (malformed_json, payload_too_large, json_too_deep).
 */
export function guardedJson(options: GuardedJsonOptions): RequestHandler {
  const parser = json({
    limit: options.limit,
    type: options.type ?? 'application/json',
    verify: (req, _res, buf) => {
      if (jsonDepthExceeds(buf)) throw new JsonTooDeep();
      if (options.keepRawBody) (req as Request & { rawBody?: Buffer }).rawBody = buf;
    },
  });
  return (req, res, next) => parser(req, res, (err?: unknown) => (err ? answerParserError(err, res, next) : next()));
}

/** express.text for CSV-like bodies, with parser failures answered as 4xx in the API's shape. */
export function guardedText(options: { limit: number | string; type: string | string[] }): RequestHandler {
  const parser = text({ limit: options.limit, type: options.type });
  return (req, res, next) => parser(req, res, (err?: unknown) => (err ? answerParserError(err, res, next) : next()));
}

function answerParserError(err: unknown, res: Response, next: NextFunction): void {
  if (err instanceof JsonTooDeep || (err as { cause?: unknown }).cause instanceof JsonTooDeep) {
    refuse(res, 400, 'json_too_deep', `JSON may nest at most ${MAX_JSON_DEPTH} levels`);
    return;
  }
  const e = err as { status?: number; type?: string; message?: string };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    refuse(res, e.status, PARSER_CODES[e.type ?? ''] ?? 'bad_request', e.message ?? 'bad request');
    return;
  }
  next(err);
}

/**
 * Runs after the body parsers: refuses a NUL or lone surrogate anywhere in the path, the query or a parsed body
 * (JSON, form or text) with 400 `forbidden_characters`, a path that is not valid percent-encoded UTF-8, and a body
 * key named like an Object.prototype member (`__proto__`, `constructor`, `valueOf`…) with 400 `validation_failed`.
 */
export function rejectForbiddenCharacters(req: Request, res: Response, next: NextFunction): void {
  const path = req.originalUrl.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    refuse(res, 400, 'malformed_url', 'the path is not valid percent-encoded UTF-8');
    return;
  }
  if (hasForbiddenCharacters(decoded)) {
    refuse(res, 400, 'forbidden_characters', 'the path holds a NUL byte or an unpaired surrogate');
    return;
  }
  const query = new URL(req.originalUrl, 'http://x').search;
  const queryAt = findForbiddenQuery(query);
  if (queryAt !== undefined) {
    refuse(res, 400, 'forbidden_characters', `query parameter ${queryAt} holds a NUL byte or an unpaired surrogate`);
    return;
  }
  const bodyAt = findForbiddenString(req.body as unknown);
  if (bodyAt !== undefined) {
    refuse(res, 400, 'forbidden_characters', `${bodyAt} holds a NUL byte or an unpaired surrogate`);
    return;
  }
  const keyAt = findPrototypeKey(req.body as unknown);
  if (keyAt !== undefined) {
    refuse(res, 400, 'validation_failed', `property ${keyAt} should not exist`);
    return;
  }
  next();
}

function findForbiddenQuery(search: string): string | undefined {
  if (!search) return undefined;
  for (const pair of search.slice(1).split('&')) {
    for (const part of pair.split('=')) {
      let value: string;
      try {
        value = decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return pair.split('=')[0].slice(0, 40);
      }
      if (hasForbiddenCharacters(value)) return pair.split('=')[0].slice(0, 40);
    }
  }
  return undefined;
}
