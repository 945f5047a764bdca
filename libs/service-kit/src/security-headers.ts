import type { NextFunction, Request, Response } from 'express';

/**
 * Every answer: `X-Content-Type-Options: nosniff` (a relayed image or JSON is never sniffed into HTML).
 * API answers (`/v1/`) default to `Cache-Control: no-store`, since most carry someone's data; a route that serves
 * something public and immutable (catalogue images) sets its own.
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.path.startsWith('/v1/')) res.setHeader('Cache-Control', 'no-store');
  next();
}

/** The OpenAPI UI's headers: its own scripts and styles only, never framed (clickjacking). */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function docsHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
}
