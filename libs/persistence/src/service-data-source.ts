import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { DatabaseConfig } from '@atelier/config';

export interface ServiceDataSourceOptions {
  // TypeORM's own option types use Function here.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
}

/**
 * A DataSource bound to one service's schema and role. `synchronize` stays off:
 * the schema changes only through reviewed migration files.
 */
export function createServiceDataSource(db: DatabaseConfig, options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    host: db.host,
    port: db.port,
    database: db.database,
    username: db.user,
    password: db.password,
    schema: db.schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: { max: db.poolSize, application_name: `atelier-${db.schema}` },
  });
}
