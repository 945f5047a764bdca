import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface DictdEntry {
  headword: string;
  body: string;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** dictd writes offsets and lengths in its own base64 digits (most significant first). */
export function decodeDictdNumber(text: string): number {
  let value = 0;
  for (const ch of text) {
    const digit = B64.indexOf(ch);
    if (digit < 0) throw new Error(`invalid dictd number ${JSON.stringify(text)}`);
    value = value * 64 + digit;
  }
  return value;
}

/**
 * Reads a dictd dictionary (`.index` + `.dict.dz` as installed by Debian's dict-* packages). A `.dz` file
 * is a gzip stream with random-access chunk tables in the header, so plain gunzip reads it whole.
 * Entries whose headword starts with "00-database" are metadata and skipped.
 */
export function readDictd(indexPath: string, dictPath: string): DictdEntry[] {
  const data = dictPath.endsWith('.dz') ? gunzipSync(readFileSync(dictPath)) : readFileSync(dictPath);
  const entries: DictdEntry[] = [];
  for (const line of readFileSync(indexPath, 'utf8').split('\n')) {
    const [headword, offset, length] = line.split('\t');
    if (!headword || offset === undefined || length === undefined || headword.startsWith('00-database')) continue;
    const start = decodeDictdNumber(offset);
    const body = data.subarray(start, start + decodeDictdNumber(length)).toString('utf8');
    entries.push({ headword, body });
  }
  return entries;
}
