import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Consecutive failed logins per normalised e-mail, whether or not an account exists for it. */
@Injectable()
export class LoginFailuresRepository {
  constructor(private readonly dataSource: DataSource) {}

  async lockedUntil(email: string): Promise<Date | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT locked_until FROM gateway.login_failures WHERE email = $1 AND locked_until > now()`,
      [email],
    )) as Array<{ locked_until: Date }>;
    return rows[0]?.locked_until;
  }

  /**
   * Counts a failure; from `threshold` failures on, locks for baseSeconds · 2^(failures − threshold),
   * at most an hour. Returns the lock's end if one is set.
   */
  async recordFailure(email: string, threshold: number, baseSeconds: number): Promise<Date | undefined> {
    // A failure streak older than a day starts over.
    const n = `CASE WHEN f.last_failure_at < now() - interval '1 day' THEN 1 ELSE f.failures + 1 END`;
    const rows = (await this.dataSource.query(
      `INSERT INTO gateway.login_failures AS f (email, failures, locked_until, last_failure_at)
       VALUES ($1, 1, CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $3) END, now())
       ON CONFLICT (email) DO UPDATE SET
         failures = ${n},
         last_failure_at = now(),
         locked_until = CASE WHEN ${n} >= $2
           THEN now() + make_interval(secs => LEAST(3600, $3 * power(2, LEAST(${n} - $2, 20))))
           ELSE NULL END
       RETURNING locked_until`,
      [email, threshold, baseSeconds],
    )) as Array<{ locked_until: Date | null }>;
    return rows[0]?.locked_until ?? undefined;
  }

  async clear(email: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM gateway.login_failures WHERE email = $1`, [email]);
  }
}
