import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import type { Caller } from '../identity/caller';
import { RecommenderClient, type RecommenderMethod } from './recommender-client';

/**
 * Passes one API request on to the recommender as the authenticated caller and its answer back unchanged
 * (status, JSON or image). The recommender validates and scopes everything; the gateway adds identity,
 * CSRF, body limits and one origin for the web.
 */
@Injectable()
export class RecommenderRelay {
  private readonly logger = new Logger(RecommenderRelay.name);

  constructor(private readonly client: RecommenderClient) {}

  async relay(caller: Caller, req: Request, res: Response, method: RecommenderMethod, path: string): Promise<void> {
    const body = bodyOf(req);
    checkRelayedJson(path, body.json);
    const reply = await this.client.send(caller, { method, path, query: queryOf(req), ...body });
    if (reply.status === 401 || reply.status >= 500) {
      // 401 here means the gateway's own signature was refused (keys differ): a deployment fault, not the user's.
      this.logger.warn(`recommender answered ${reply.status} to ${method} ${path}`);
      throw new ApiError(
        HttpStatus.BAD_GATEWAY,
        'recommender_failed',
        `the recommender could not answer (status ${reply.status}); retry`,
      );
    }
    res.status(reply.status).set(reply.headers).send(reply.body);
  }
}

/** Single-valued query parameters as given; repeated ones are the recommender's to refuse, so the last one wins. */
function queryOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URL(req.originalUrl, 'http://gateway').searchParams) out[key] = value;
  return out;
}

function bodyOf(req: Request): { json?: unknown; body?: Buffer; contentType?: string } {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) return { body, contentType: req.headers['content-type'] };
  if (typeof body === 'string') return { body: Buffer.from(body, 'utf8'), contentType: req.headers['content-type'] };
  if (body === undefined || (req.method === 'GET' && isEmptyObject(body))) return {};
  return { json: body };
}

/** Arrays are a body only for the bulk import. */
const ARRAY_BODY_PATHS = new Set(['/v1/catalog/import']);

/**
 * The gateway's own check of a relayed JSON body before it leaves: depth and characters were checked by the parser
 * and the global guard; here the top-level shape (an object, or an array where the route takes one).
 */
function checkRelayedJson(path: string, json: unknown): void {
  if (json === undefined) return;
  const ok =
    (typeof json === 'object' && json !== null && !Array.isArray(json)) ||
    (Array.isArray(json) && ARRAY_BODY_PATHS.has(path));
  if (!ok) {
    throw new ApiError(
      HttpStatus.BAD_REQUEST,
      'validation_failed',
      ARRAY_BODY_PATHS.has(path) ? 'the body must be a JSON array or object' : 'the body must be a JSON object',
    );
  }
}

const isEmptyObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 0;

/** A path segment from the client, never able to climb out of its route. */
export const segment = (value: string): string => encodeURIComponent(value);
