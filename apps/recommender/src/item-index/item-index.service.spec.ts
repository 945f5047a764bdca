import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@atelier/config';
import { randomUnitVectors } from '@atelier/vector-index';
import { ITEM_VECTOR_DIMENSIONS } from '../features/item-vector';
import { ItemIndexService } from './item-index.service';

const d = ITEM_VECTOR_DIMENSIONS;
const data = randomUnitVectors(40, d, 3);
const row = (i: number) => data.subarray(i * d, (i + 1) * d);

describe('ItemIndexService', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'item-index-service-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (kind: 'exact' | 'hnsw') => {
    const config = loadConfig('recommender', {
      RECOMMENDER_VECTOR_INDEX: kind,
      RECOMMENDER_VECTOR_INDEX_DIR: dir,
      DATABASE_NAME: 'atelier_spec',
    });
    // exact and hnsw never touch the database.
    const service = new ItemIndexService(config, undefined as unknown as DataSource);
    await service.onModuleInit();
    return service;
  };
  const catalogue = (n: number) => new Map(Array.from({ length: n }, (_, i) => [`item-${i}`, row(i)]));

  it.each(['exact', 'hnsw'] as const)(
    '%s: a refresh leaves items upserted while it was reading alone, the next one reconciles them',
    async (kind) => {
      const service = await start(kind);
      expect(service.kind).toBe(kind);
      await service.sync(catalogue(20));
      const mark = service.mark();
      // The catalogue consumer indexes a new item and changes item-0 while the refresh reads the database.
      await service.upsert('item-new', row(30));
      await service.upsert('item-0', row(31));
      const stats = await service.sync(catalogue(20), mark);
      expect(stats).toMatchObject({ removed: 0, moved: 0, relinked: 0, unchanged: 19 });
      expect((await service.search(row(30), 1))[0].id).toBe('item-new');
      expect((await service.search(row(31), 1))[0].id).toBe('item-0');
      // A later refresh read after those upserts: its vectors are the truth.
      expect(await service.sync(catalogue(20))).toMatchObject({ removed: 1 });
      expect(service.size()).toBe(20);
      expect((await service.search(row(0), 1))[0].id).toBe('item-0');
      expect(service.state().lastSync).toMatchObject({ removed: 1 });
    },
  );

  it('hnsw: flush writes the snapshot named after the database; a new process loads it', async () => {
    const first = await start('hnsw');
    expect(first.state().snapshot).toBe('none');
    await first.sync(catalogue(40));
    await first.beforeApplicationShutdown();
    expect(existsSync(join(dir, 'items-atelier_spec.hnsw'))).toBe(true);
    first.onModuleDestroy();
    const second = await start('hnsw');
    expect(second.state().snapshot).toBe('loaded');
    expect(second.size()).toBe(40);
    expect(await second.sync(catalogue(40))).toMatchObject({ added: 0, relinked: 0, unchanged: 40 });
  });
});
