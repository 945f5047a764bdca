import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CsvError, parseCsv } from './csv';
import { ItemDto } from './item.dto';

export interface CsvMapping {
  /** Columns joined into the category path, e.g. masterCategory,subCategory,articleType. */
  categoryColumns?: string[];
  /** Column holding the image file name (CLI only; resolved against its images folder). */
  imageColumn?: string;
}

const ID_COLUMNS = ['external_id', 'externalId', 'sku', 'id'];
const TITLE_COLUMNS = ['title', 'name', 'productDisplayName'];
const MISSING = new Set(['', 'NA', 'N/A', 'null']);

export interface ParsedRow {
  item: Record<string, unknown>;
  imageFile?: string;
}

/**
 * Maps CSV rows onto items by convention: external_id|sku|id, title|name|productDisplayName, description,
 * category_path ("a > b > c") or the configured category columns, price, currency; every other non-empty
 * column becomes an attribute.
 */
export function csvToItems(text: string, mapping: CsvMapping = {}): ParsedRow[] {
  let parsed: string[][];
  try {
    parsed = parseCsv(text.replace(/^\uFEFF/, ''), { strict: true });
  } catch (err) {
    if (err instanceof CsvError) throw new CatalogFormatError(err.message, [{ line: err.line }]);
    throw err;
  }
  const [header, ...rows] = parsed;
  if (!header) return [];
  const reserved = header.filter((name) => RESERVED_NAMES.has(name));
  if (reserved.length > 0) {
    throw new CatalogFormatError(`line 1: column name ${reserved[0]} is reserved`, [{ line: 1, column: reserved[0] }]);
  }
  const find = (names: string[]) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const idCol = find(ID_COLUMNS);
  const titleCol = find(TITLE_COLUMNS);
  if (idCol < 0 || titleCol < 0) {
    throw new CatalogFormatError('CSV needs an id column (external_id, sku or id) and a title column (title or name)');
  }
  const categoryCols = (mapping.categoryColumns ?? []).map((c) => header.indexOf(c)).filter((i) => i >= 0);
  const special = new Set([idCol, titleCol, ...categoryCols]);
  const named = (n: string) => header.indexOf(n);
  for (const n of ['description', 'category_path', 'price', 'currency', mapping.imageColumn ?? '']) {
    if (named(n) >= 0) special.add(named(n));
  }
  return rows.map((cells, r) => {
    if (cells.length > header.length) {
      // Rows are counted from the header (line 1); a quoted newline makes lines and rows differ, rows are what we name.
      throw new CatalogFormatError(`row ${r + 2}: ${cells.length} columns, the header has ${header.length}`, [
        { row: r + 2, columns: cells.length, expected: header.length },
      ]);
    }
    const value = (i: number) => (i >= 0 && !MISSING.has((cells[i] ?? '').trim()) ? cells[i].trim() : undefined);
    // A Map, not an object: a column's name is data and never reaches a prototype.
    const attributes = new Map<string, string>();
    header.forEach((name, i) => {
      const v = value(i);
      if (!special.has(i) && v !== undefined) attributes.set(name, v);
    });
    const categoryPath = categoryCols.length
      ? categoryCols.map(value).filter((v): v is string => v !== undefined)
      : value(named('category_path'))
          ?.split('>')
          .map((s) => s.trim())
          .filter(Boolean);
    const price = value(named('price'));
    const item: Record<string, unknown> = {
      externalId: value(idCol),
      title: value(titleCol),
      description: value(named('description')),
      categoryPath,
      attributes: Object.fromEntries(attributes),
      price: price === undefined ? undefined : Number(price),
      currency: value(named('currency')),
    };
    return { item, imageFile: mapping.imageColumn ? value(named(mapping.imageColumn)) : undefined };
  });
}

/** Names that mean something to JavaScript objects; refused as CSV columns and attribute names. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A JSON file: an array of items or {items: [...]}. */
export function jsonToItems(text: string): ParsedRow[] {
  const parsed = JSON.parse(text) as unknown;
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' && parsed !== null
      ? (parsed as { items?: unknown }).items
      : undefined;
  if (!Array.isArray(list)) throw new CatalogFormatError('JSON must be an array of items or {"items": [...]}');
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new CatalogFormatError(`item ${i}: must be a JSON object`, [
        { row: i, field: '', problems: ['not an object'] },
      ]);
    }
    const row = item as Record<string, unknown>;
    const imageFile = typeof row.image === 'string' ? row.image : undefined;
    const { image: _image, ...rest } = row;
    return { item: rest, imageFile };
  });
}

export class CatalogFormatError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Validates every row with the API's DTO rules; all rows or none (errors name the row). */
export function validateItems(rows: Array<Record<string, unknown>>): ItemDto[] {
  const problems: Array<{ row: number; field: string; problems: string[] }> = [];
  const items = rows.map((raw, row) => {
    const dto = plainToInstance(ItemDto, raw);
    for (const e of validateSync(dto, { whitelist: true, forbidNonWhitelisted: true })) {
      problems.push({ row, field: e.property, problems: Object.values(e.constraints ?? {}) });
    }
    return dto;
  });
  if (problems.length) {
    throw new CatalogFormatError(`${problems.length} invalid field(s), nothing imported`, problems.slice(0, 50));
  }
  return items;
}
