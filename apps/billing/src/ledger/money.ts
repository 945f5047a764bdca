/** Money is integer kopecks (bigint) everywhere; decimal strings only at provider boundaries. */
export type Kopecks = bigint;

export const CURRENCY = 'RUB';

/** "1234.50" or "1234.5" or "1234" → 123450n. Rejects anything that is not a plain non-negative decimal. */
export function parseRoubles(value: string): Kopecks {
  const m = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m) throw new Error(`not a rouble amount: ${JSON.stringify(value)}`);
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

/** 123450n → "1234.50" (the format payment APIs expect). */
export function formatRoubles(kopecks: Kopecks): string {
  if (kopecks < 0n) return `-${formatRoubles(-kopecks)}`;
  return `${kopecks / 100n}.${String(kopecks % 100n).padStart(2, '0')}`;
}

/** PostgreSQL bigint arrives as a string from node-postgres. */
export const toKopecks = (v: string | number | bigint): Kopecks => BigInt(v);
