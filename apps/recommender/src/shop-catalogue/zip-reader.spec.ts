import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZip } from '../../../../test/support/zip-writer';
import { readZip, ZipError } from './zip-reader';

const LIMITS = { maxEntries: 10, maxEntryBytes: 1000, maxTotalBytes: 2000 };

describe('readZip', () => {
  it('reads the files of a zip made by Info-ZIP (stored and deflated), skipping directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    try {
      writeFileSync(join(dir, 'a.txt'), 'a'.repeat(500));
      writeFileSync(join(dir, 'b.bin'), Buffer.from([1, 2, 3]));
      execFileSync('zip', ['-q', '-r', 'out.zip', 'a.txt', 'b.bin'], { cwd: dir });
      const entries = readZip(readFileSync(join(dir, 'out.zip')), LIMITS);
      expect(entries.map((e) => e.name)).toEqual(['a.txt', 'b.bin']);
      expect(entries[0].bytes.toString()).toBe('a'.repeat(500));
      expect([...entries[1].bytes]).toEqual([1, 2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not a zip, a truncated zip, and entries over the limits', () => {
    const expectCode = (f: () => unknown, code: string) => {
      try {
        f();
        throw new Error('no error');
      } catch (err) {
        expect(err).toBeInstanceOf(ZipError);
        expect((err as ZipError).code).toBe(code);
      }
    };
    expectCode(() => readZip(Buffer.from('hello, not a zip at all, just text'), LIMITS), 'invalid_zip');
    const zip = writeZip([{ name: 'x.txt', bytes: Buffer.from('x'.repeat(300)) }]);
    expectCode(
      () => readZip(Buffer.concat([zip.subarray(0, 20), zip.subarray(zip.length - 22)]), LIMITS),
      'invalid_zip',
    );
    expectCode(() => readZip(writeZip([{ name: 'big', bytes: Buffer.alloc(1001) }]), LIMITS), 'zip_too_large');
    const many = Array.from({ length: 11 }, (_, i) => ({ name: `${i}`, bytes: Buffer.from('1') }));
    expectCode(() => readZip(writeZip(many), LIMITS), 'zip_too_large');
  });
});
