import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase } from '@atelier/persistence';

export const ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface ThrowawayEnvironment {
  id: string;
  /** Environment for the services: own database, exchange namespace and storage folder. */
  env: Record<string, string>;
  storageDir: string;
  /** Drops the database and the storage folder. */
  dispose(): Promise<void>;
}

/** A mesh environment of its own for a benchmark run, so runs never share state with each other or with dev data. */
export function throwawayEnvironment(extra: Record<string, string> = {}): ThrowawayEnvironment {
  const id = `b${randomBytes(4).toString('hex')}`;
  const storageDir = mkdtempSync(join(tmpdir(), 'atelier-bench-'));
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_NAME: `atelier_${id}`,
    DATABASE_ADMIN_URL: ADMIN_URL,
    AMQP_URL,
    MESH_NAMESPACE: `at-${id}`,
    STORAGE_DIR: storageDir,
    ...extra,
  };
  return {
    id,
    env,
    storageDir,
    dispose: async () => {
      await dropDatabase(ADMIN_URL, env.DATABASE_NAME);
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}
