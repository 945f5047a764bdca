import { HttpStatus, Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { Outbox } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';
import { SessionLiveness } from '../identity/session-liveness';
import { emailChangedNotice, emailChangeMail, passwordResetMail, type MailLang } from '../mail/account-mails';
import { Mailer, type MailMessage } from '../mail/mailer';
import { AccountMailLimits } from './account-mail-limits';
import { AccountTokensRepository } from './account-tokens.repository';
import { normalizeEmail } from './email';
import { LoginFailuresRepository } from './login-failures.repository';
import { LoginSessions } from './login-sessions.service';
import { PasswordHasher } from './password-hasher';
import { checkPassword } from './password-policy';
import { UsersRepository, type UserRow } from './users.repository';

/** A reset request answers no sooner than this, whether or not the address has an account. */
export const RESET_ANSWER_FLOOR_MS = 400;

const invalidToken = () =>
  new ApiError(HttpStatus.BAD_REQUEST, 'invalid_token', 'the link is invalid, expired or already used');
const wrongPassword = () => new ApiError(HttpStatus.FORBIDDEN, 'invalid_credentials', 'the password is incorrect');

function tooManyAttempts(until: Date): ApiError {
  return new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'too_many_attempts', 'too many wrong passwords; try again later', {
    retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)),
  });
}

function weak(password: string, email: string): ApiError | undefined {
  const problems = checkPassword(password, email);
  if (problems.length === 0) return undefined;
  return new ApiError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'weak_password',
    problems.map((p) => p.message).join('; '),
    problems,
  );
}

/**
 * Recovery and self-service of an account: password reset by mailed link, password and e-mail change, deletion.
 * Links carry single-use, expiring tokens stored as SHA-256 (`AccountTokensRepository`).
 */
@Injectable()
export class AccountSecurity implements OnApplicationShutdown {
  private readonly logger = new Logger('AccountSecurity');
  /** Mails still being sent (the reset answer never waits for SMTP); `drain` awaits them on shutdown and in tests. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly limits: AccountMailLimits,
    private readonly failures: LoginFailuresRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: LoginSessions,
    private readonly liveness: SessionLiveness,
    private readonly mailer: Mailer,
    private readonly outbox: Outbox,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  /**
   * Mails a reset link when the address has an account. The caller learns nothing either way: the same answer,
   * after at least RESET_ANSWER_FLOOR_MS, with the mail sent after the answer. Unknown addresses use the same
   * per-e-mail and per-IP budget (429 `rate_limited` when spent); a malformed address is 400 `validation_failed`.
   */
  async requestPasswordReset(rawEmail: string, clientIp: string): Promise<void> {
    const started = Date.now();
    try {
      const email = normalizeEmail(rawEmail);
      if (!email) {
        throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'email: must be a valid e-mail address', [
          { field: 'email', problems: ['must be a valid e-mail address'] },
        ]);
      }
      await this.limits.hit(email, clientIp);
      const user = await this.users.findByEmail(email);
      if (!user) return;
      const ttl = this.config.env.PASSWORD_RESET_TTL_SECONDS;
      const token = await this.dataSource.transaction((m) => this.tokens.issue(m, 'password_reset', user.id, ttl));
      this.deliver(passwordResetMail(user.locale, user.email, this.link('/password/reset', token), ttl / 60));
    } finally {
      const left = RESET_ANSWER_FLOOR_MS - (Date.now() - started);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
    }
  }

  get resetTtlSeconds(): number {
    return this.config.env.PASSWORD_RESET_TTL_SECONDS;
  }

  /** Whether a reset link may still be used (to show the form or say it expired). */
  async resetTokenUsable(token: string): Promise<boolean> {
    return (await this.tokens.peek(this.dataSource.manager, 'password_reset', token)) !== undefined;
  }

  /**
   * Sets a new password with a reset link: the token is spent, the password policy applies (422 `weak_password`,
   * the token stays usable then), every session of the account ends. 400 `invalid_token` otherwise.
   */
  async resetPassword(token: string, password: string): Promise<UserRow> {
    const user = await this.dataSource.transaction(async (m) => {
      const spent = await this.tokens.consume(m, 'password_reset', token);
      if (!spent) throw invalidToken();
      const row = await this.users.findById(spent.user_id, m);
      if (!row) throw invalidToken();
      const problem = weak(password, row.email);
      if (problem) throw problem; // rolls the consumption back: the link still works for a better password
      await m.query(`UPDATE gateway.users SET password_hash = $2, updated_at = now() WHERE id = $1`, [
        row.id,
        await this.hasher.hash(password),
      ]);
      await m.query(`DELETE FROM gateway.login_failures WHERE email = $1`, [row.email]);
      return row;
    });
    await this.sessions.revokeAll(user.id, 'password_reset');
    return user;
  }

  /** Changes the password (current one required) and ends every other session; `keepSessionId` stays signed in. */
  async changePassword(userId: string, keepSessionId: string, current: string, next: string): Promise<void> {
    const user = await this.verified(userId, current);
    const problem = weak(next, user.email);
    if (problem) throw problem;
    await this.users.setPasswordHash(userId, await this.hasher.hash(next));
    await this.sessions.revokeOthers(userId, keepSessionId, 'password_change');
  }

  /**
   * Mails a confirmation link to the new address (current password required). 400 `validation_failed` or
   * `same_email`, 409 `email_taken`, 403 `invalid_credentials`, 503 `mail_unavailable` when SMTP fails.
   */
  async requestEmailChange(userId: string, password: string, rawEmail: string, lang: MailLang): Promise<string> {
    const user = await this.verified(userId, password);
    const email = normalizeEmail(rawEmail);
    if (!email) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'email: must be a valid e-mail address', [
        { field: 'email', problems: ['must be a valid e-mail address'] },
      ]);
    }
    if (email === user.email) throw new ApiError(HttpStatus.BAD_REQUEST, 'same_email', 'this is already your e-mail');
    if (await this.users.findByEmail(email)) {
      throw new ApiError(HttpStatus.CONFLICT, 'email_taken', 'an account with this e-mail already exists');
    }
    const ttl = this.config.env.EMAIL_CHANGE_TTL_SECONDS;
    const token = await this.dataSource.transaction((m) => this.tokens.issue(m, 'email_change', userId, ttl, email));
    try {
      await this.mailer.send(emailChangeMail(lang, email, this.link('/account/email/confirm', token), ttl / 3600));
    } catch (err) {
      this.logger.error(`e-mail change confirmation not sent: ${(err as Error).message}`);
      throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'mail_unavailable', 'the confirmation mail could not be sent');
    }
    return email;
  }

  /** The address a usable e-mail-change link would confirm; undefined for an unusable link. */
  async emailTokenTarget(token: string): Promise<string | undefined> {
    return (await this.tokens.peek(this.dataSource.manager, 'email_change', token))?.new_email ?? undefined;
  }

  /** Applies a confirmed e-mail change; the old address is told. 400 `invalid_token`, 409 `email_taken`. */
  async confirmEmailChange(token: string): Promise<{ userId: string; email: string }> {
    const changed = await this.dataSource.transaction(async (m) => {
      const spent = await this.tokens.consume(m, 'email_change', token);
      if (!spent?.new_email) throw invalidToken();
      const row = await this.users.findById(spent.user_id, m);
      if (!row) throw invalidToken();
      const updated = (await m.query(
        `UPDATE gateway.users SET email = $2, updated_at = now()
          WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM gateway.users WHERE email = $2) RETURNING id`,
        [row.id, spent.new_email],
      )) as [unknown[], number];
      if (updated[0].length !== 1) {
        throw new ApiError(HttpStatus.CONFLICT, 'email_taken', 'an account with this e-mail already exists');
      }
      return { row, email: spent.new_email };
    });
    this.deliver(emailChangedNotice(changed.row.locale, changed.row.email, changed.email));
    return { userId: changed.row.id, email: changed.email };
  }

  /**
   * Deletes the account (password required, 403 otherwise): the gateway's rows of the user go in one transaction
   * with the `user.deleted` event, which the other services consume to erase or anonymise theirs. The sessions
   * go with the user row, so every access token of the account dies.
   */
  async deleteAccount(userId: string, password: string): Promise<void> {
    const user = await this.verified(userId, password);
    const sessionIds = await this.dataSource.transaction(async (m) => {
      const sessions = (await m.query(`SELECT id FROM gateway.sessions WHERE user_id = $1`, [userId])) as Array<{
        id: string;
      }>;
      await m.query(`DELETE FROM gateway.feedback WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM gateway.generation_idempotency_keys WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM gateway.generation_batches WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM gateway.generations WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM gateway.login_failures WHERE email = $1`, [user.email]);
      // Sessions, refresh tokens and account tokens cascade with the user.
      await m.query(`DELETE FROM gateway.users WHERE id = $1`, [userId]);
      await this.outbox.add(
        m,
        'user.deleted',
        { userId, deletedAt: new Date().toISOString() },
        { correlationId: userId },
      );
      return sessions.map((s) => s.id);
    });
    for (const id of sessionIds) this.liveness.forget(id);
  }

  /**
   * The account when the password is right. Wrong guesses count against the login lockout of its e-mail (the same
   * secret, the same budget): 403 `invalid_credentials`, then 429 `too_many_attempts` with `retryAfterSeconds`.
   */
  private async verified(userId: string, password: string): Promise<UserRow> {
    const user = await this.users.findById(userId);
    if (!user) throw wrongPassword();
    const locked = await this.failures.lockedUntil(user.email);
    if (locked) throw tooManyAttempts(locked);
    if (await this.hasher.verify(user.password_hash, password)) {
      await this.failures.clear(user.email);
      return user;
    }
    const env = this.config.env;
    const lockedNow = await this.failures.recordFailure(
      user.email,
      env.LOGIN_LOCKOUT_THRESHOLD,
      env.LOGIN_LOCKOUT_SECONDS,
    );
    if (lockedNow) throw tooManyAttempts(lockedNow);
    throw wrongPassword();
  }

  onApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  /** Waits for mails still being sent. */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private link(path: string, token: string): string {
    return new URL(`${path}?token=${token}`, this.config.env.PUBLIC_BASE_URL).toString();
  }

  /** Sends after the answer: SMTP latency must not tell a known address from an unknown one. */
  private deliver(message: MailMessage): void {
    const sending = this.mailer
      .send(message)
      .catch((err: unknown) => this.logger.error(`account mail not sent: ${(err as Error).message}`))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }
}
