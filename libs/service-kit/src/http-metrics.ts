import type { NextFunction, Request, Response } from 'express';
import { httpRequestSeconds, httpRequests } from '@atelier/observability';

/**
 * Counts every HTTP answer by method, matched route pattern (never the raw path, which would explode the label
 * set) and status code, including answers written by guards, filters and body parsers.
 */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const pattern = (req.route as { path?: unknown } | undefined)?.path;
    const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
    httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    httpRequestSeconds.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
  });
  next();
}
