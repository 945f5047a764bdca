import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@atelier/config';
import { MessagingJanitor } from '@atelier/messaging';
import { createServiceDataSource, dropDatabase } from '@atelier/persistence';
import { migrateAll, provisionAll } from '../scripts/db';
import { ADMIN_URL } from './support/test-mesh';

describe('messaging janitor (PostgreSQL)', () => {
  const env = {
    DATABASE_NAME: `atelier_j${randomUUID().slice(0, 8)}`,
    DATABASE_ADMIN_URL: ADMIN_URL,
    OUTBOX_RETENTION_HOURS: '24',
    INBOX_RETENTION_DAYS: '14',
  };
  let ds: DataSource;

  beforeAll(async () => {
    await provisionAll(env);
    await migrateAll(env);
    ds = createServiceDataSource(loadConfig('judge', env).database, {});
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(ADMIN_URL, env.DATABASE_NAME);
  });

  it('deletes only old published outbox rows and old inbox ids', async () => {
    const insertOutbox = (publishedAgo: string | null) =>
      ds.query(
        `INSERT INTO judge.outbox (id, type, payload, correlation_id, causation_id, version, occurred_at, published_at)
         VALUES ($1, 'generation.completed', '\\x00', 'c', 'c', 1, now(), ${publishedAgo === null ? 'NULL' : `now() - interval '${publishedAgo}'`})`,
        [randomUUID()],
      );
    await insertOutbox('2 days'); // old and published: goes
    await insertOutbox('1 hour'); // recent: stays
    await insertOutbox(null); // never published: stays whatever its age
    const insertInbox = (ago: string) =>
      ds.query(
        `INSERT INTO judge.inbox (event_id, type, correlation_id, outcome, processed_at) VALUES ($1, 't', 'c', 'handled', now() - interval '${ago}')`,
        [randomUUID()],
      );
    await insertInbox('30 days');
    await insertInbox('1 day');

    const janitor = new MessagingJanitor(ds, loadConfig('judge', env));
    expect(await janitor.sweep()).toEqual({ outbox: 1, inbox: 1 });
    const [{ c: outboxLeft }] = (await ds.query('SELECT count(*)::int AS c FROM judge.outbox')) as Array<{ c: number }>;
    const [{ c: inboxLeft }] = (await ds.query('SELECT count(*)::int AS c FROM judge.inbox')) as Array<{ c: number }>;
    expect([outboxLeft, inboxLeft]).toEqual([2, 1]);
  });
});
