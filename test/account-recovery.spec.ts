import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig, type ServiceConfig } from '@atelier/config';
import { Outbox } from '@atelier/messaging';
import { createServiceDataSource, dropDatabase } from '@atelier/persistence';
import { ApiError } from '@atelier/service-kit';
import { migrateAll, provisionAll } from '../scripts/db';
import { AccountMailLimits } from '../apps/gateway/src/accounts/account-mail-limits';
import { AccountSecurity, RESET_ANSWER_FLOOR_MS } from '../apps/gateway/src/accounts/account-security.service';
import { AccountTokensRepository } from '../apps/gateway/src/accounts/account-tokens.repository';
import { LoginFailuresRepository } from '../apps/gateway/src/accounts/login-failures.repository';
import { LoginSessions } from '../apps/gateway/src/accounts/login-sessions.service';
import { PasswordHasher } from '../apps/gateway/src/accounts/password-hasher';
import { SessionsRepository } from '../apps/gateway/src/accounts/sessions.repository';
import { UsersRepository } from '../apps/gateway/src/accounts/users.repository';
import { AccessTokens } from '../apps/gateway/src/identity/access-tokens';
import { SessionLiveness } from '../apps/gateway/src/identity/session-liveness';
import { SmtpMailer } from '../apps/gateway/src/mail/smtp-mailer';
import { SmtpSink } from './support/smtp-sink';
import { ADMIN_URL } from './support/test-mesh';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'violet tram under the rain';

/** Reset tokens, limits and account changes against the real PostgreSQL and a real SMTP sink (no HTTP, no broker). */
describe('account recovery (PostgreSQL + SMTP sink)', () => {
  const sink = new SmtpSink();
  const database = `atelier_a${randomUUID().slice(0, 8)}`;
  let config: ServiceConfig<'gateway'>;
  let ds: DataSource;
  let users: UsersRepository;
  let sessions: LoginSessions;
  let security: AccountSecurity;
  let mailer: SmtpMailer;
  const hasher = new PasswordHasher();

  beforeAll(async () => {
    await sink.start();
    const env = {
      DATABASE_NAME: database,
      DATABASE_ADMIN_URL: ADMIN_URL,
      ...sink.env,
      PUBLIC_BASE_URL: 'http://atelier.test',
      ACCOUNT_MAIL_LIMIT_PER_EMAIL: '3',
      ACCOUNT_MAIL_LIMIT_PER_IP: '6',
      LOGIN_LOCKOUT_THRESHOLD: '3',
    };
    config = loadConfig('gateway', env);
    await provisionAll(env);
    await migrateAll(env);
    ds = createServiceDataSource(config.database, {});
    await ds.initialize();
    users = new UsersRepository(ds);
    const liveness = new SessionLiveness(ds, config);
    sessions = new LoginSessions(ds, new SessionsRepository(), new AccessTokens(config), liveness, config);
    mailer = new SmtpMailer(config);
    security = new AccountSecurity(
      ds,
      users,
      new AccountTokensRepository(),
      new AccountMailLimits(ds, config),
      new LoginFailuresRepository(ds),
      hasher,
      sessions,
      liveness,
      mailer,
      new Outbox(config),
      config,
    );
  }, 120000);
  afterAll(async () => {
    await security?.drain();
    mailer?.close();
    await ds?.destroy();
    await sink.stop();
    await dropDatabase(ADMIN_URL, database);
  }, 60000);

  let ipCounter = 0;
  const ip = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

  async function user(locale: 'ru' | 'en' = 'ru'): Promise<{ id: string; email: string }> {
    const id = randomUUID();
    const email = `acc-${id.slice(0, 8)}@example.com`;
    await users.insert({
      id,
      email,
      password_hash: await hasher.hash(PASSWORD),
      role: 'user',
      display_name: null,
      locale,
    });
    return { id, email };
  }

  const tokenOf = (text: string): string => {
    const m = text.match(/token=([A-Za-z0-9_-]{43})/);
    if (!m) throw new Error(`no token in ${text}`);
    return m[1];
  };
  const code = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return 'ok';
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return `${err.getStatus()} ${err.body.error.code}`;
    }
  };

  it('answers a known and an unknown address alike; only the account gets a link, in its language', async () => {
    const known = await user('en');
    const unknown = `nobody-${randomUUID().slice(0, 8)}@example.com`;
    const timed = async (email: string) => {
      const t0 = Date.now();
      const answer = await security.requestPasswordReset(email, ip());
      return { answer, ms: Date.now() - t0 };
    };
    const a = await timed(known.email);
    const b = await timed(unknown);
    expect(a.answer).toBeUndefined();
    expect(b.answer).toBeUndefined();
    for (const ms of [a.ms, b.ms]) expect(ms).toBeGreaterThanOrEqual(RESET_ANSWER_FLOOR_MS - 5);
    expect(Math.abs(a.ms - b.ms)).toBeLessThan(150);
    const mail = await sink.waitFor(known.email);
    expect(mail.subject).toBe('Atelier: reset your password');
    expect(mail.text).toContain('http://atelier.test/password/reset?token=');
    await security.drain();
    expect(sink.to(unknown)).toHaveLength(0);
    // At rest only the SHA-256 of the token: the link's token is nowhere in the table.
    const token = tokenOf(mail.text);
    const rows = await ds.query(
      `SELECT encode(token_hash, 'hex') AS h FROM gateway.account_tokens WHERE user_id = $1`,
      [known.id],
    );
    expect(rows).toEqual([{ h: createHash('sha256').update(token).digest('hex') }]);
    const dump = JSON.stringify(await ds.query('SELECT * FROM gateway.account_tokens'));
    expect(dump).not.toContain(token);
  });

  it('a link works once, ends every session, and keeps working after a refused weak password', async () => {
    const u = await user('ru');
    const s1 = await sessions.start({ id: u.id, role: 'user' }, 'a');
    const s2 = await sessions.start({ id: u.id, role: 'user' }, 'b');
    await security.requestPasswordReset(u.email, ip());
    const mail = await sink.waitFor(u.email);
    expect(mail.subject).toBe('Ателье: сброс пароля');
    const token = tokenOf(mail.text);
    expect(await security.resetTokenUsable(token)).toBe(true);
    expect(await code(security.resetPassword(token, 'short'))).toBe('422 weak_password');
    expect(await security.resetTokenUsable(token)).toBe(true);
    expect(await code(security.resetPassword(token, NEW_PASSWORD))).toBe('ok');
    expect(await code(security.resetPassword(token, 'another fine password 42'))).toBe('400 invalid_token');
    expect(await security.resetTokenUsable(token)).toBe(false);
    const [row] = (await ds.query('SELECT password_hash FROM gateway.users WHERE id = $1', [u.id])) as Array<{
      password_hash: string;
    }>;
    expect(await hasher.verify(row.password_hash, NEW_PASSWORD)).toBe(true);
    const open = await ds.query(
      'SELECT id FROM gateway.sessions WHERE user_id = $1 AND revoked_at IS NULL AND id = ANY($2)',
      [u.id, [s1.sessionId, s2.sessionId]],
    );
    expect(open).toEqual([]);
  });

  it('an expired link, a garbled one and a superseded one are refused', async () => {
    const u = await user();
    await security.requestPasswordReset(u.email, ip());
    const first = tokenOf((await sink.waitFor(u.email, 0)).text);
    await security.requestPasswordReset(u.email, ip());
    const second = tokenOf((await sink.waitFor(u.email, 1)).text);
    // Only the newest link counts.
    expect(await code(security.resetPassword(first, NEW_PASSWORD))).toBe('400 invalid_token');
    await ds.query(`UPDATE gateway.account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      u.id,
    ]);
    expect(await security.resetTokenUsable(second)).toBe(false);
    expect(await code(security.resetPassword(second, NEW_PASSWORD))).toBe('400 invalid_token');
    expect(await code(security.resetPassword('x'.repeat(43), NEW_PASSWORD))).toBe('400 invalid_token');
    expect(await code(security.resetPassword("' OR 1=1 --", NEW_PASSWORD))).toBe('400 invalid_token');
    expect(await code(security.requestPasswordReset('not an address', ip()))).toBe('400 validation_failed');
  });

  it('limits requests per e-mail (known or not) and per IP, and says when to come back', async () => {
    const known = await user();
    const unknown = `ghost-${randomUUID().slice(0, 8)}@example.com`;
    for (const email of [known.email, unknown]) {
      for (let i = 0; i < 3; i++) expect(await code(security.requestPasswordReset(email, ip()))).toBe('ok');
      const refused = security.requestPasswordReset(email, ip());
      await expect(refused).rejects.toMatchObject({ body: { error: { code: 'rate_limited' } } });
      const err = (await refused.catch((e: unknown) => e)) as ApiError;
      const wait = (err.body.error.details as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThan(3500);
      expect(wait).toBeLessThanOrEqual(3600);
    }
    await security.drain();
    expect(sink.to(known.email)).toHaveLength(3);
    const one = '192.0.2.77';
    for (let i = 0; i < 6; i++) {
      expect(await code(security.requestPasswordReset(`ip-${i}-${randomUUID().slice(0, 6)}@example.com`, one))).toBe(
        'ok',
      );
    }
    expect(await code(security.requestPasswordReset(`ip-x-${randomUUID().slice(0, 6)}@example.com`, one))).toBe(
      '429 rate_limited',
    );
    // The window slides: once the hits are older than it, the address may ask again.
    await ds.query(`UPDATE gateway.account_mail_hits SET hit_at = hit_at - interval '2 hours'`);
    expect(await code(security.requestPasswordReset(known.email, ip()))).toBe('ok');
  });

  it('changes the e-mail only through the link sent to the new address, once, and tells the old one', async () => {
    const u = await user('en');
    const other = await user();
    const next = `moved-${randomUUID().slice(0, 8)}@example.com`;
    expect(await code(security.requestEmailChange(u.id, 'wrong password!', next, 'en'))).toBe(
      '403 invalid_credentials',
    );
    expect(await code(security.requestEmailChange(u.id, PASSWORD, other.email, 'en'))).toBe('409 email_taken');
    expect(await code(security.requestEmailChange(u.id, PASSWORD, u.email, 'en'))).toBe('400 same_email');
    expect(await code(security.requestEmailChange(u.id, PASSWORD, 'nope', 'en'))).toBe('400 validation_failed');
    expect(await security.requestEmailChange(u.id, PASSWORD, next.toUpperCase(), 'en')).toBe(next);
    const mail = await sink.waitFor(next);
    expect(mail.subject).toBe('Atelier: confirm your new e-mail');
    const token = tokenOf(mail.text);
    expect(await security.emailTokenTarget(token)).toBe(next);
    // Not a reset token.
    expect(await code(security.resetPassword(token, NEW_PASSWORD))).toBe('400 invalid_token');
    expect(await security.confirmEmailChange(token)).toEqual({ userId: u.id, email: next });
    expect(await code(security.confirmEmailChange(token))).toBe('400 invalid_token');
    expect((await users.findById(u.id))?.email).toBe(next);
    const notice = await sink.waitFor(u.email);
    expect(notice.subject).toBe('Atelier: your account e-mail changed');
    expect(notice.text).toContain(next);
  });

  it('deletes the account with its sessions and rows, and records user.deleted in the outbox', async () => {
    const u = await user();
    const s = await sessions.start({ id: u.id, role: 'user' }, 'a');
    expect(await code(security.deleteAccount(u.id, 'wrong password!'))).toBe('403 invalid_credentials');
    expect(await users.findById(u.id)).toBeDefined();
    await security.deleteAccount(u.id, PASSWORD);
    expect(await users.findById(u.id)).toBeUndefined();
    expect(await ds.query('SELECT 1 FROM gateway.sessions WHERE id = $1', [s.sessionId])).toEqual([]);
    const events = (await ds.query(
      `SELECT type, correlation_id FROM gateway.outbox WHERE type = 'user.deleted'`,
    )) as Array<{
      type: string;
      correlation_id: string;
    }>;
    expect(events.map((e) => e.correlation_id)).toContain(u.id);
    expect(await code(security.deleteAccount(u.id, PASSWORD))).toBe('403 invalid_credentials');
  });

  it('counts wrong current passwords against the login lockout of the account', async () => {
    const u = await user();
    for (let i = 0; i < 2; i++) {
      expect(await code(security.changePassword(u.id, randomUUID(), 'wrong password!', NEW_PASSWORD))).toBe(
        '403 invalid_credentials',
      );
    }
    expect(await code(security.deleteAccount(u.id, 'wrong password!'))).toBe('429 too_many_attempts');
    // Locked: even the right password waits, and nothing is deleted.
    expect(await code(security.deleteAccount(u.id, PASSWORD))).toBe('429 too_many_attempts');
    expect(await users.findById(u.id)).toBeDefined();
    await ds.query('DELETE FROM gateway.login_failures WHERE email = $1', [u.email]);
    expect(await code(security.changePassword(u.id, randomUUID(), PASSWORD, NEW_PASSWORD))).toBe('ok');
  });
});
