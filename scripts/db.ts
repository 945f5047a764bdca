/**
 * Database set-up for every service, run by the start command, CI and the k8s migrations Job:
 *   node dist/scripts/db.js provision   create the database, service roles and schemas (superuser)
 *   node dist/scripts/db.js migrate     run each service's migrations as that service's role
 *   node dist/scripts/db.js setup       both
 */
import { SERVICES, loadDatabaseSetupConfig, serviceDatabaseConfig, type ServiceName } from '@atelier/config';
import { createServiceDataSource, provisionDatabase } from '@atelier/persistence';
import { BILLING_MIGRATIONS } from '../apps/billing/src/migrations';
import { ENHANCER_MIGRATIONS } from '../apps/enhancer/src/migrations';
import { GATEWAY_MIGRATIONS } from '../apps/gateway/src/migrations';
import { GENERATOR_MIGRATIONS } from '../apps/generator/src/migrations';
import { JUDGE_MIGRATIONS } from '../apps/judge/src/migrations';
import { RECOMMENDER_MIGRATIONS } from '../apps/recommender/src/migrations';

const MIGRATIONS: Record<ServiceName, Array<new () => object>> = {
  gateway: GATEWAY_MIGRATIONS,
  billing: BILLING_MIGRATIONS,
  enhancer: ENHANCER_MIGRATIONS,
  generator: GENERATOR_MIGRATIONS,
  judge: JUDGE_MIGRATIONS,
  recommender: RECOMMENDER_MIGRATIONS,
};

/** Extensions created by the superuser in a service's schema: the recommender's title search uses trigrams. */
export const SERVICE_EXTENSIONS: Partial<Record<ServiceName, readonly string[]>> = { recommender: ['pg_trgm'] };
/**
 * Created the same way when the server has them: pgvector backs RECOMMENDER_VECTOR_INDEX=pgvector (the recommender's
 * item_vectors migration and the pgvector index check for it; this machine's PostgreSQL lacks it).
 */
export const SERVICE_OPTIONAL_EXTENSIONS: Partial<Record<ServiceName, readonly string[]>> = { recommender: ['vector'] };

export async function provisionAll(env: Record<string, string | undefined> = process.env): Promise<void> {
  const setup = loadDatabaseSetupConfig(env);
  await provisionDatabase({
    adminUrl: setup.adminUrl,
    passwords: setup.rolePasswords,
    database: setup.database,
    services: SERVICES,
    extensions: SERVICE_EXTENSIONS,
    optionalExtensions: SERVICE_OPTIONAL_EXTENSIONS,
  });
}

export async function migrateAll(env: Record<string, string | undefined> = process.env): Promise<string[]> {
  const setup = loadDatabaseSetupConfig(env);
  const applied: string[] = [];
  for (const service of SERVICES) {
    // As the service's own role (with the password provisionAll gave it), so its tables belong to it.
    const ds = createServiceDataSource(serviceDatabaseConfig(setup, service), { migrations: MIGRATIONS[service] });
    await ds.initialize();
    try {
      for (const m of await ds.runMigrations({ transaction: 'each' })) applied.push(`${service}: ${m.name}`);
    } finally {
      await ds.destroy();
    }
  }
  return applied;
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'setup';
  if (command === 'provision' || command === 'setup') {
    await provisionAll();
    console.log('provisioned database, roles and schemas');
  }
  if (command === 'migrate' || command === 'setup') {
    const applied = await migrateAll();
    console.log(applied.length ? `applied:\n  ${applied.join('\n  ')}` : 'migrations up to date');
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
