import type { DataSource } from 'typeorm';

/** What a pass under the lock returned, or that another replica held the lock and this one skipped. */
export type LockedRun<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` only if this process wins the PostgreSQL session advisory lock `name` (per database, so each mesh has
 * its own); otherwise returns `{ ran: false }` at once. The lock lives on one pooled connection held for the whole
 * pass and is released after it, or by PostgreSQL when the process dies and its session ends, so a killed leader
 * never blocks the others. `fn` uses its own connections: holding the lock is what makes the pass exclusive.
 */
export async function underAdvisoryLock<T>(
  dataSource: DataSource,
  name: string,
  fn: () => Promise<T>,
): Promise<LockedRun<T>> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  let locked = false;
  try {
    const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name])) as Array<{
      ok: boolean;
    }>;
    locked = row?.ok === true;
    if (!locked) return { ran: false };
    return { ran: true, value: await fn() };
  } finally {
    if (locked) await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined);
    await runner.release();
  }
}
