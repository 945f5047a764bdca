import { z } from 'zod';
import { DATABASE_SETUP_SHAPE, SERVICES, type ServiceName } from './env-schema';
import type { DatabaseConfig } from './load-config';

export interface DatabaseSetupConfig {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  database: string;
  poolSize: number;
  adminUrl: string;
  /** The password each service role gets (and the migrations log in with); absent = DATABASE_PASSWORD (dev: trust). */
  rolePasswords: Partial<Record<ServiceName, string>>;
  fallbackPassword: string;
}

export class DatabaseSetupConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment for db setup:\n  ${issues.join('\n  ')}`);
  }
}

/** Validates the environment of `db setup` once; production needs a distinct password for every service role. */
export function loadDatabaseSetupConfig(source: Record<string, string | undefined>): DatabaseSetupConfig {
  const parsed = z.object(DATABASE_SETUP_SHAPE).safeParse(source);
  if (!parsed.success) {
    throw new DatabaseSetupConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const pairs = env.DATABASE_ROLE_PASSWORDS.split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const);
  const unknown = pairs.filter(([name]) => !(SERVICES as readonly string[]).includes(name)).map(([name]) => name);
  const issues = unknown.length > 0 ? [`DATABASE_ROLE_PASSWORDS: unknown services ${unknown.join(', ')}`] : [];
  const rolePasswords = Object.fromEntries(pairs) as Partial<Record<ServiceName, string>>;
  if (env.NODE_ENV === 'production') {
    const missing = SERVICES.filter((s) => !rolePasswords[s]);
    if (missing.length > 0)
      issues.push(`DATABASE_ROLE_PASSWORDS: production needs a password for ${missing.join(', ')}`);
    if (new Set(Object.values(rolePasswords)).size < Object.values(rolePasswords).length) {
      issues.push('DATABASE_ROLE_PASSWORDS: each service role needs its own password in production');
    }
  }
  if (issues.length > 0) throw new DatabaseSetupConfigError(issues);
  return {
    nodeEnv: env.NODE_ENV,
    host: env.DATABASE_HOST,
    port: env.DATABASE_PORT,
    database: env.DATABASE_NAME,
    poolSize: env.DATABASE_POOL_SIZE,
    adminUrl: env.DATABASE_ADMIN_URL,
    rolePasswords,
    fallbackPassword: env.DATABASE_PASSWORD,
  };
}

/** How `db setup` reaches one service's schema to migrate it: as that service's own role. */
export function serviceDatabaseConfig(setup: DatabaseSetupConfig, service: ServiceName): DatabaseConfig {
  return {
    host: setup.host,
    port: setup.port,
    database: setup.database,
    user: `atelier_${service}`,
    password: setup.rolePasswords[service] ?? setup.fallbackPassword,
    poolSize: 2,
    adminUrl: setup.adminUrl,
    schema: service,
    migrationsRun: false,
  };
}
