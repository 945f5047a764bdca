import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';

/**
 * How many account mails (reset requests) one e-mail address and one client IP may ask for per window. Counted in
 * PostgreSQL, so every replica shares the budget; unknown addresses count exactly like known ones.
 */
@Injectable()
export class AccountMailLimits {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  /** Records one request, or throws 429 `rate_limited` (with `retryAfterSeconds`) when a bucket is full. */
  async hit(email: string, ip: string): Promise<void> {
    const env = this.config.env;
    const window = env.ACCOUNT_MAIL_WINDOW_SECONDS;
    // The address is hashed: the table keeps no e-mail of anyone who merely typed one.
    const buckets: Array<[string, number]> = [
      [`email:${createHash('sha256').update(email).digest('hex')}`, env.ACCOUNT_MAIL_LIMIT_PER_EMAIL],
      [`ip:${ip}`, env.ACCOUNT_MAIL_LIMIT_PER_IP],
    ];
    const retryAfter = await this.dataSource.transaction(async (m) => {
      let wait = 0;
      for (const [bucket] of buckets) {
        // Concurrent requests of one bucket queue here, so the count cannot be overrun.
        await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [bucket]);
        await m.query(
          `DELETE FROM gateway.account_mail_hits WHERE bucket = $1 AND hit_at < now() - make_interval(secs => $2)`,
          [bucket, window],
        );
      }
      for (const [bucket, limit] of buckets) {
        const [row] = (await m.query(
          `SELECT count(*)::int AS n, extract(epoch FROM min(hit_at) + make_interval(secs => $2) - now()) AS wait
             FROM gateway.account_mail_hits WHERE bucket = $1`,
          [bucket, window],
        )) as Array<{ n: number; wait: string | number | null }>;
        if (row.n >= limit) wait = Math.max(wait, Math.ceil(Number(row.wait ?? window)));
      }
      if (wait > 0) return wait;
      for (const [bucket] of buckets) {
        await m.query('INSERT INTO gateway.account_mail_hits (bucket) VALUES ($1)', [bucket]);
      }
      return 0;
    });
    if (retryAfter > 0) {
      throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'rate_limited', 'too many account mails requested; try later', {
        retryAfterSeconds: Math.max(1, retryAfter),
      });
    }
  }
}
