/** A CSV file the importer refuses, with the 1-based line where the problem is. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Minimal RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Returns rows of cells. `strict` (uploads)
 * refuses a quote left open at the end and text between a closing quote and the next delimiter; without it
 * (our own datasets) both are read as best it can.
 */
export function parseCsv(text: string, options: { strict?: boolean } = {}): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let closedQuote = false;
  let line = 1;
  let quoteLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        closedQuote = true;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '' && !closedQuote) {
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      closedQuote = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      cell = '';
      closedQuote = false;
      line++;
    } else {
      if (closedQuote && options.strict) throw new CsvError(line, 'text after a closing quote');
      cell += c;
    }
  }
  if (quoted && options.strict) throw new CsvError(quoteLine, 'a quoted field is never closed');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * One cell for a CSV we write: quoted when needed, and a value a spreadsheet would run as a formula (= + - @,
 * tab or CR first) prefixed with an apostrophe so it stays text (OWASP CSV injection).
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV text (CRLF, every cell through csvCell). */
export const toCsv = (rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string =>
  rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
