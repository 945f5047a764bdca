import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApiError } from '@atelier/service-kit';
import { CreateGenerationBatchDto, MAX_BATCH_ITEMS } from '../generations/create-generation.dto';
import { assertBatchFits, batchProgress, planBatch, zipName } from './batch-plan';
import { zipStored } from './zip-writer';

const id = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function statusOf(fn: () => void): { status: number; code: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { status: e.getStatus(), code: e.body.error.code };
  }
}

describe('batch planning', () => {
  it('one single-image child per item, in order, with the shared request or the item title', () => {
    const dto = plainToInstance(CreateGenerationBatchDto, { itemIds: [id(1), id(2), id(3)], prompt: '  ' });
    const plans = planBatch(dto, [
      { itemId: id(1), title: 'Кружка' },
      { itemId: id(2), title: 'Чайник' },
      { itemId: id(3), title: 'Ложка' },
    ]);
    expect(plans.map((p) => p.itemId)).toEqual([id(1), id(2), id(3)]);
    expect(plans.every((p) => p.dto.n === 1)).toBe(true);
    expect(plans.map((p) => p.dto.itemId)).toEqual([id(1), id(2), id(3)]);
    expect(plans[1].dto.prompt).toBe('Карточка товара: Чайник');
    expect(plans[0].dto.platform).toBe('marketplace_card');
    const shared = planBatch(
      plainToInstance(CreateGenerationBatchDto, {
        itemIds: [id(1)],
        prompt: 'пост в инсту',
        platform: 'instagram_post',
      }),
      [{ itemId: id(1), title: 'Кружка' }],
    );
    expect(shared[0].dto.prompt).toBe('пост в инсту');
    expect(shared[0].dto.platform).toBe('instagram_post');
  });

  it('refuses a batch that does not fit the quota left (402) and one whose quota is unknown (503)', () => {
    expect(statusOf(() => assertBatchFits(30, { left: 30 }))).toBeUndefined();
    expect(statusOf(() => assertBatchFits(31, { left: 30 }))).toEqual({ status: 402, code: 'quota_exceeded' });
    expect(statusOf(() => assertBatchFits(1, { left: 0 }))).toEqual({ status: 402, code: 'quota_exceeded' });
    expect(statusOf(() => assertBatchFits(1, undefined))).toEqual({ status: 503, code: 'billing_unavailable' });
  });

  it('validates the request: 1..50 unique item ids', () => {
    const problems = (itemIds: unknown): string[] =>
      validateSync(plainToInstance(CreateGenerationBatchDto, { itemIds })).map((e) => e.property);
    expect(problems([id(1)])).toEqual([]);
    expect(problems([])).toEqual(['itemIds']);
    expect(problems(Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => id(i)))).toEqual(['itemIds']);
    expect(problems([id(1), id(1).toUpperCase()])).toEqual(['itemIds']);
    expect(problems(['not-a-uuid'])).toEqual(['itemIds']);
    expect(problems(Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => id(i)))).toEqual([]);
  });

  it('progress: running until every child ended; completed, partial or failed after', () => {
    expect(batchProgress(['completed', 'judging', 'queued'])).toEqual({
      status: 'running',
      total: 3,
      done: 1,
      completed: 1,
      failed: 0,
    });
    expect(batchProgress(['completed', 'completed']).status).toBe('completed');
    expect(batchProgress(['completed', 'rejected']).status).toBe('partial');
    expect(batchProgress(['failed', 'rejected']).status).toBe('failed');
  });

  it('zip names: numbered in item order, no path separators', () => {
    expect(zipName(3, 30, 'Кружка / синяя: 0,3 л')).toBe('03-Кружка синяя 0,3 л.png');
    expect(zipName(1, 5, '   ')).toBe('1-item.png');
  });
});

describe('zipStored', () => {
  it('writes an archive unzip reads back byte for byte', () => {
    const a = Buffer.from('first file');
    const b = Buffer.alloc(70_000, 7);
    const zip = zipStored([
      { name: '01-Кружка.png', data: a },
      { name: '02-b.png', data: b },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    writeFileSync(join(dir, 'x.zip'), zip);
    expect(execFileSync('unzip', ['-t', join(dir, 'x.zip')]).toString()).toMatch(/No errors detected/);
    // Python's zipfile reads the UTF-8 flag (unzip needs a UTF-8 locale for the names).
    const listing = execFileSync('python3', [
      '-c',
      'import sys,zipfile,hashlib\nz=zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist(): print(i.filename, hashlib.sha256(z.read(i)).hexdigest())',
      join(dir, 'x.zip'),
    ]).toString();
    const sha = (x: Buffer): string => createHash('sha256').update(x).digest('hex');
    expect(listing.trim().split('\n')).toEqual([`01-Кружка.png ${sha(a)}`, `02-b.png ${sha(b)}`]);
  });
});
