import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import type { Role } from '../identity/caller';
import { normalizeEmail } from './email';
import { LoginFailuresRepository } from './login-failures.repository';
import { PasswordHasher } from './password-hasher';
import { checkPassword } from './password-policy';
import { UsersRepository, type UserRow } from './users.repository';

export interface NewAccount {
  email: string;
  password: string;
  displayName?: string;
  locale?: 'ru' | 'en';
}

export interface UserProfile {
  id: string;
  email: string;
  role: Role;
  displayName: string | null;
  locale: 'ru' | 'en';
  createdAt: Date;
  lastLoginAt: Date | null;
}

export const toProfile = (u: Omit<UserRow, 'password_hash'>): UserProfile => ({
  id: u.id,
  email: u.email,
  role: u.role,
  displayName: u.display_name,
  locale: u.locale,
  createdAt: u.created_at,
  lastLoginAt: u.last_login_at,
});

const invalidCredentials = () =>
  new ApiError(HttpStatus.UNAUTHORIZED, 'invalid_credentials', 'e-mail or password is incorrect');

/** Registration and password login with lockout: the gateway owns users and their credentials. */
@Injectable()
export class UserAccounts {
  private readonly admins: Set<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly failures: LoginFailuresRepository,
    private readonly hasher: PasswordHasher,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {
    this.admins = new Set(
      config.env.ADMIN_EMAILS.split(',')
        .map((e) => normalizeEmail(e))
        .filter((e): e is string => e !== undefined),
    );
  }

  async register(input: NewAccount): Promise<UserProfile> {
    const email = normalizeEmail(input.email);
    if (!email) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'email: must be a valid e-mail address', [
        { field: 'email', problems: ['must be a valid e-mail address'] },
      ]);
    }
    const problems = checkPassword(input.password, email);
    if (problems.length > 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'weak_password',
        problems.map((p) => p.message).join('; '),
        problems,
      );
    }
    const id = randomUUID();
    const role: Role = this.admins.has(email) ? 'admin' : 'user';
    const inserted = await this.users.insert({
      id,
      email,
      password_hash: await this.hasher.hash(input.password),
      role,
      display_name: input.displayName?.trim() || null,
      locale: input.locale ?? 'ru',
    });
    if (!inserted) throw new ApiError(HttpStatus.CONFLICT, 'email_taken', 'an account with this e-mail already exists');
    const user = await this.users.findById(id);
    if (!user) throw new Error(`user ${id} vanished after insert`);
    return toProfile(user);
  }

  /**
   * Checks e-mail and password. After LOGIN_LOCKOUT_THRESHOLD consecutive failures the e-mail is locked
   * (429 with Retry-After) for a doubling period; unknown e-mails are counted the same way and cost the same
   * argon2 time, so neither reveals whether an account exists.
   */
  async authenticate(rawEmail: string, password: string): Promise<UserRow> {
    const email = normalizeEmail(rawEmail) ?? rawEmail.trim().toLowerCase().slice(0, 254);
    const locked = await this.failures.lockedUntil(email);
    if (locked) throw tooManyAttempts(locked);
    const user = await this.users.findByEmail(email);
    const ok = await this.hasher.verify(user?.password_hash, password);
    if (ok && user) {
      await this.failures.clear(email);
      await this.users.touchLogin(user.id);
      return user;
    }
    const env = this.config.env;
    const lockedNow = await this.failures.recordFailure(email, env.LOGIN_LOCKOUT_THRESHOLD, env.LOGIN_LOCKOUT_SECONDS);
    if (lockedNow) throw tooManyAttempts(lockedNow);
    throw invalidCredentials();
  }

  /** Replaces the password after checking the current one; the caller ends the account's sessions. */
  async changePassword(userId: string, current: string, next: string): Promise<UserRow> {
    const user = await this.users.findById(userId);
    if (!user || !(await this.hasher.verify(user.password_hash, current))) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'invalid_credentials', 'the current password is incorrect');
    }
    const problems = checkPassword(next, user.email);
    if (problems.length > 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'weak_password',
        problems.map((p) => p.message).join('; '),
        problems,
      );
    }
    await this.users.setPasswordHash(userId, await this.hasher.hash(next));
    return user;
  }

  async profile(userId: string): Promise<UserProfile | undefined> {
    const user = await this.users.findById(userId);
    return user && toProfile(user);
  }
}

function tooManyAttempts(until: Date): ApiError {
  const retryAfter = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new ApiError(
    HttpStatus.TOO_MANY_REQUESTS,
    'too_many_attempts',
    'too many failed logins for this e-mail; try again later',
    { retryAfterSeconds: retryAfter },
  );
}
