import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CatalogFormatError, RESERVED_NAMES } from '../catalog/catalog-file-parser';
import { CsvError, parseCsv } from '../catalog/csv';
import { ItemDto } from '../catalog/item.dto';

/** What a CSV column can become; `attribute` keeps it as a flat attribute, `ignore` drops it. */
export const IMPORT_FIELDS = [
  'externalId',
  'title',
  'description',
  'price',
  'currency',
  'category',
  'attribute',
  'ignore',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export type ColumnMapping = Record<string, ImportField>;

export const MAX_IMPORT_ROWS = 5000;
/** Row errors kept for the preview and the job (the counts stay exact). */
export const MAX_ROW_ERRORS = 200;

export interface RowError {
  /** CSV: the record number counting the header as row 1; JSON: the item's 1-based position. */
  row: number;
  field: string;
  problems: string[];
}

export interface ImportRow {
  row: number;
  item: ItemDto;
}

export interface ParsedImport {
  format: 'csv' | 'json';
  /** CSV header (JSON: none). */
  columns: string[];
  mapping: ColumnMapping;
  total: number;
  valid: ImportRow[];
  errors: RowError[];
  invalidRows: number;
}

const GUESSES: Array<[ImportField, string[]]> = [
  ['externalId', ['external_id', 'externalid', 'sku', 'id', 'артикул']],
  ['title', ['title', 'name', 'productdisplayname', 'название']],
  ['description', ['description', 'описание']],
  ['price', ['price', 'цена']],
  ['currency', ['currency', 'валюта']],
  ['category', ['category', 'category_path', 'categorypath', 'категория']],
];

/** The mapping a header suggests: conventional names (any case), everything else an attribute. */
export function suggestMapping(columns: string[]): ColumnMapping {
  const mapping: ColumnMapping = Object.create(null) as ColumnMapping;
  const taken = new Set<ImportField>();
  for (const column of columns) {
    const key = column.trim().toLowerCase();
    const guess = GUESSES.find(([field, names]) => !taken.has(field) && names.includes(key))?.[0];
    if (guess && guess !== 'category') taken.add(guess);
    mapping[column] = guess ?? 'attribute';
  }
  return mapping;
}

/**
 * Parses an upload into validated items and row errors, never throwing for a bad row: a broken file (an open
 * quote, bad JSON, no header) is a CatalogFormatError; a row with extra columns, a bad field or a duplicate
 * externalId is an error naming its row. CSV rows are built from Maps, so a column name never reaches a prototype.
 */
export function parseImport(format: 'csv' | 'json', text: string, given?: ColumnMapping): ParsedImport {
  const parsed = format === 'csv' ? csvRows(text, given) : jsonRows(text);
  if (parsed.rows.length > MAX_IMPORT_ROWS) {
    throw new CatalogFormatError(`at most ${MAX_IMPORT_ROWS} rows per import`, [{ rows: parsed.rows.length }]);
  }
  const errors: RowError[] = [...parsed.errors];
  const bad = new Set(errors.map((e) => e.row));
  const valid: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const { row, raw } of parsed.rows) {
    const problems = validateRow(raw);
    const externalId = typeof raw.externalId === 'string' ? raw.externalId : undefined;
    if (externalId !== undefined && seen.has(externalId)) {
      problems.push({ field: 'externalId', problems: [`duplicate of row ${seen.get(externalId)}`] });
    }
    if (problems.length) {
      bad.add(row);
      errors.push(...problems.map((p) => ({ row, ...p })));
      continue;
    }
    if (externalId !== undefined) seen.set(externalId, row);
    valid.push({ row, item: plainToInstance(ItemDto, raw) });
  }
  errors.sort((a, b) => a.row - b.row);
  return {
    format,
    columns: parsed.columns,
    mapping: parsed.mapping,
    // Rows refused before mapping have one error each.
    total: parsed.rows.length + parsed.errors.length,
    valid,
    errors: errors.slice(0, MAX_ROW_ERRORS),
    invalidRows: bad.size,
  };
}

interface RawRows {
  columns: string[];
  mapping: ColumnMapping;
  rows: Array<{ row: number; raw: Record<string, unknown> }>;
  /** Rows refused before mapping (extra columns). */
  errors: RowError[];
}

function csvRows(text: string, given: ColumnMapping | undefined): RawRows {
  let cells: string[][];
  try {
    cells = parseCsv(text.replace(/^\uFEFF/, ''), { strict: true });
  } catch (err) {
    if (err instanceof CsvError) throw new CatalogFormatError(err.message, [{ line: err.line }]);
    throw err;
  }
  const [header, ...records] = cells;
  if (!header || header.every((h) => h.trim() === '')) throw new CatalogFormatError('the CSV has no header row');
  const columns = header.map((h) => h.trim());
  const reserved = columns.find((c) => RESERVED_NAMES.has(c));
  if (reserved) throw new CatalogFormatError(`row 1: column name ${reserved} is reserved`, [{ row: 1 }]);
  const duplicate = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
  if (duplicate) throw new CatalogFormatError(`row 1: column ${duplicate} appears twice`, [{ row: 1 }]);
  const mapping = checkMapping(columns, given);
  const rows: RawRows['rows'] = [];
  const errors: RowError[] = [];
  records.forEach((record, i) => {
    const row = i + 2;
    if (record.length > columns.length) {
      errors.push({
        row,
        field: '',
        problems: [`${record.length} columns, the header has ${columns.length}`],
      });
      return;
    }
    const values = new Map<string, string>();
    columns.forEach((c, j) => {
      const v = (record[j] ?? '').trim();
      if (v !== '') values.set(c, v);
    });
    rows.push({ row, raw: mapRecord(columns, mapping, values) });
  });
  return { columns, mapping, rows, errors };
}

function checkMapping(columns: string[], given: ColumnMapping | undefined): ColumnMapping {
  const mapping = suggestMapping(columns);
  if (given) {
    for (const [column, field] of Object.entries(given)) {
      if (!columns.includes(column)) throw new CatalogFormatError(`mapping names an unknown column ${column}`);
      if (!(IMPORT_FIELDS as readonly string[]).includes(field)) {
        throw new CatalogFormatError(`column ${column}: unknown field ${String(field)}`);
      }
      mapping[column] = field;
    }
  }
  for (const field of ['externalId', 'title'] as const) {
    const mapped = columns.filter((c) => mapping[c] === field);
    if (mapped.length !== 1) {
      throw new CatalogFormatError(`map exactly one column to ${field} (found ${mapped.length})`, [{ field }]);
    }
  }
  for (const field of ['description', 'price', 'currency'] as const) {
    if (columns.filter((c) => mapping[c] === field).length > 1) {
      throw new CatalogFormatError(`map at most one column to ${field}`, [{ field }]);
    }
  }
  return mapping;
}

function mapRecord(columns: string[], mapping: ColumnMapping, values: Map<string, string>): Record<string, unknown> {
  const item: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const attributes = new Map<string, string>();
  const category: string[] = [];
  for (const column of columns) {
    const value = values.get(column);
    if (value === undefined || ['NA', 'N/A', 'null'].includes(value)) continue;
    const field = mapping[column];
    if (field === 'category')
      category.push(
        ...value
          .split('>')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    else if (field === 'attribute') attributes.set(column, value);
    else if (field === 'price') item.price = Number(value.replace(',', '.'));
    else if (field !== 'ignore') item[field] = value;
  }
  if (category.length) item.categoryPath = category;
  if (attributes.size) item.attributes = Object.fromEntries(attributes);
  return { ...item };
}

function jsonRows(text: string): RawRows {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CatalogFormatError(`not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' && parsed !== null
      ? (parsed as { items?: unknown }).items
      : undefined;
  if (!Array.isArray(list)) throw new CatalogFormatError('JSON must be an array of items or {"items": [...]}');
  const rows: RawRows['rows'] = [];
  const errors: RowError[] = [];
  list.forEach((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push({ row: i + 1, field: '', problems: ['not a JSON object'] });
    } else rows.push({ row: i + 1, raw: item as Record<string, unknown> });
  });
  return { columns: [], mapping: Object.create(null) as ColumnMapping, rows, errors };
}

/** The API's DTO rules plus the importer's attribute rules, as field problems. */
function validateRow(raw: Record<string, unknown>): Array<{ field: string; problems: string[] }> {
  const out: Array<{ field: string; problems: string[] }> = [];
  const reservedKey = Object.keys(raw).find((k) => RESERVED_NAMES.has(k));
  if (reservedKey) return [{ field: reservedKey, problems: ['reserved name'] }];
  const dto = plainToInstance(ItemDto, raw);
  for (const e of validateSync(dto, { whitelist: true, forbidNonWhitelisted: true })) {
    // A price that is not a number fails every numeric rule at once: one problem says it.
    const notANumber = e.property === 'price' && !(typeof raw.price === 'number' && Number.isFinite(raw.price));
    out.push({ field: e.property, problems: notANumber ? ['not a number'] : Object.values(e.constraints ?? {}) });
  }
  const attributes = raw.attributes;
  if (attributes !== undefined && typeof attributes === 'object' && attributes !== null) {
    const entries = Object.entries(attributes);
    if (entries.length > 50) out.push({ field: 'attributes', problems: ['at most 50 attributes'] });
    for (const [key, value] of entries) {
      if (!/^[\w.-]{1,64}$/.test(key) || RESERVED_NAMES.has(key)) {
        out.push({ field: `attributes.${key.slice(0, 64)}`, problems: ['name not allowed (letters, digits, ._-)'] });
      } else if (!(
        (typeof value === 'string' && value.length <= 500) ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        typeof value === 'boolean'
      )) {
        out.push({ field: `attributes.${key}`, problems: ['must be a short string, number or boolean'] });
      }
    }
  }
  return out;
}
