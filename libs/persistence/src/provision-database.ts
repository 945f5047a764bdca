import { Client } from 'pg';

export interface ProvisionOptions {
  /** Superuser connection, e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  adminUrl: string;
  database: string;
  services: readonly string[];
  /** Optional password per service role (trust auth needs none). */
  passwords?: Partial<Record<string, string>>;
  /**
   * PostgreSQL extensions a service needs, created by the superuser inside that service's schema
   * (service roles cannot create extensions).
   */
  extensions?: Partial<Record<string, readonly string[]>>;
  /** Extensions created like `extensions` when the server offers them (pg_available_extensions), skipped if not. */
  optionalExtensions?: Partial<Record<string, readonly string[]>>;
}

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe SQL identifier: ${name}`);
  return `"${name}"`;
};

export const serviceRole = (service: string): string => `atelier_${service}`;

/**
 * Creates the database, one login role per service and one schema per service owned by that role.
 * Ownership is enforced by grants: a role has no USAGE on any schema but its own.
 * Idempotent; safe to run before every start.
 */
export async function provisionDatabase(options: ProvisionOptions): Promise<void> {
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${ident(options.database)}`).catch((err: { code?: string }) => {
        // Two provisioners racing: the other one created it.
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
    for (const service of options.services) {
      const role = serviceRole(service);
      const password = options.passwords?.[service];
      await admin
        .query(`DO $$ BEGIN CREATE ROLE ${ident(role)} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`)
        .catch((err: { code?: string }) => {
          if (err.code !== '23505') throw err;
        });
      if (password) await admin.query(`ALTER ROLE ${ident(role)} PASSWORD ${escapeLiteral(password)}`);
    }
  } finally {
    await admin.end();
  }

  const url = new URL(options.adminUrl);
  url.pathname = `/${options.database}`;
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  try {
    await db.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
    await db.query(`REVOKE ALL ON DATABASE ${ident(options.database)} FROM PUBLIC`);
    for (const service of options.services) {
      const role = ident(serviceRole(service));
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${ident(service)} AUTHORIZATION ${role}`);
      await db.query(`ALTER SCHEMA ${ident(service)} OWNER TO ${role}`);
      await db.query(`REVOKE ALL ON SCHEMA ${ident(service)} FROM PUBLIC`);
      await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(options.database)} TO ${role}`);
      await db.query(`ALTER ROLE ${role} IN DATABASE ${ident(options.database)} SET search_path = ${ident(service)}`);
      const available = async (extension: string) =>
        ((await db.query('SELECT 1 FROM pg_available_extensions WHERE name = $1', [extension])).rowCount ?? 0) > 0;
      const optional = [];
      for (const extension of options.optionalExtensions?.[service] ?? []) {
        if (await available(extension)) optional.push(extension);
      }
      for (const extension of [...(options.extensions?.[service] ?? []), ...optional]) {
        await db
          .query(`CREATE EXTENSION IF NOT EXISTS ${ident(extension)} SCHEMA ${ident(service)}`)
          .catch((err: { code?: string }) => {
            // Two provisioners racing: the other one created it.
            if (err.code !== '23505' && err.code !== '42710') throw err;
          });
      }
    }
  } finally {
    await db.end();
  }
}

function escapeLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Drops a database (tests only). */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
