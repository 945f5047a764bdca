import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@atelier/service-kit';
import type { ItemRow } from '../catalog/item.repository';
import { toItemView, type ItemView } from '../catalog/item-view';
import { QueryLanguageTranslator } from './russian-query';

export const SORTS = ['relevance', 'price_asc', 'price_desc', 'newest', 'title'] as const;
export type Sort = (typeof SORTS)[number];

/** Filters by item attribute: query parameter → attribute key (as imported or extracted). */
export const ATTRIBUTE_FILTERS: Readonly<Record<string, string>> = {
  gender: 'gender',
  colour: 'colour',
  type: 'product_type',
};
const OTHER_PARAMS = ['q', 'category', 'price_min', 'price_max', 'sort', 'page', 'limit', 'mode'] as const;
export const ALLOWED_PARAMS: readonly string[] = [...OTHER_PARAMS, ...Object.keys(ATTRIBUTE_FILTERS)];

export interface BrowseQuery {
  q?: string;
  category?: string;
  priceMin?: number;
  priceMax?: number;
  attributes: Record<string, string>;
  sort: Sort;
  page: number;
  limit: number;
}

export interface BrowseResponse {
  query: string | null;
  /** The query's English form when it was Russian. */
  english?: string;
  filters: Record<string, string | number>;
  sort: Sort;
  page: number;
  limit: number;
  total: number;
  items: ItemView[];
}

/** True when a request asks for more than a ranked text search: a category, a filter, a sort or a page. */
export function isBrowse(params: Readonly<Record<string, unknown>>): boolean {
  return ['category', 'price_min', 'price_max', 'sort', 'page', ...Object.keys(ATTRIBUTE_FILTERS)].some(
    (k) => params[k] !== undefined,
  );
}

const bad = (code: string, message: string, details?: unknown): ApiError =>
  new ApiError(HttpStatus.BAD_REQUEST, code, message, details);

function single(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad('validation_failed', `${name} must be given once`);
  return value.trim();
}

function money(params: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const raw = single(params, name);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1e9) throw bad('validation_failed', `${name} must be a number in [0, 1e9]`);
  return Math.round(n * 100);
}

/** Validates every query parameter; an unknown one is a 400 naming the allowed ones. */
export function parseBrowseQuery(params: Readonly<Record<string, unknown>>): BrowseQuery {
  const unknown = Object.keys(params).filter((k) => !ALLOWED_PARAMS.includes(k));
  if (unknown.length > 0) {
    throw bad('unknown_filter', `unknown parameter(s) ${unknown.join(', ')}; allowed: ${ALLOWED_PARAMS.join(', ')}`, {
      unknown,
      allowed: ALLOWED_PARAMS,
    });
  }
  const q = single(params, 'q');
  if (q !== undefined && q.length > 200) throw bad('validation_failed', 'q must be at most 200 characters');
  const category = single(params, 'category');
  if (category !== undefined && (category.length === 0 || category.length > 100)) {
    throw bad('validation_failed', 'category must be 1-100 characters');
  }
  const sort = (single(params, 'sort') ?? 'relevance') as Sort;
  if (!SORTS.includes(sort)) throw bad('validation_failed', `sort must be one of ${SORTS.join(', ')}`);
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = single(params, name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw bad('validation_failed', `${name} must be an integer in [${min}, ${max}]`);
    }
    return n;
  };
  const attributes: Record<string, string> = {};
  for (const [param, key] of Object.entries(ATTRIBUTE_FILTERS)) {
    const value = single(params, param);
    if (value === undefined || value === '') continue;
    if (value.length > 60) throw bad('validation_failed', `${param} must be at most 60 characters`);
    attributes[key] = value.toLowerCase();
  }
  const priceMin = money(params, 'price_min');
  const priceMax = money(params, 'price_max');
  if (priceMin !== undefined && priceMax !== undefined && priceMin > priceMax) {
    throw bad('validation_failed', 'price_min must not exceed price_max');
  }
  return {
    ...(q ? { q } : {}),
    ...(category ? { category } : {}),
    ...(priceMin !== undefined ? { priceMin } : {}),
    ...(priceMax !== undefined ? { priceMax } : {}),
    attributes,
    sort,
    page: int('page', 1, 1, 1000),
    limit: int('limit', 20, 1, 100),
  };
}

const ORDER: Readonly<Record<Sort, string>> = {
  relevance: 'rank DESC, i.title, i.id',
  price_asc: 'i.price_minor ASC NULLS LAST, i.id',
  price_desc: 'i.price_minor DESC NULLS LAST, i.id',
  newest: 'i.created_at DESC, i.id',
  title: 'i.title, i.id',
};

/**
 * Category browse with filters, sort and pages over the catalogue table. A Russian query is matched in English
 * (through @atelier/ru-en) and as typed; category matches any level of the path, case-insensitively.
 */
@Injectable()
export class CatalogBrowseService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly languages: QueryLanguageTranslator,
  ) {}

  async browse(query: BrowseQuery): Promise<BrowseResponse> {
    const languages = query.q ? this.languages.translate(query.q) : undefined;
    const text = languages?.english ?? null;
    const args: unknown[] = [
      text,
      query.q ?? null,
      query.category ?? null,
      query.priceMin ?? null,
      query.priceMax ?? null,
    ];
    const attributeClauses = Object.entries(query.attributes).map(([key, value]) => {
      args.push(key, value);
      return `lower(i.attributes->>$${args.length - 1}) = $${args.length}`;
    });
    const where = [
      `($1::text IS NULL OR i.search @@ (websearch_to_tsquery('english', $1) || websearch_to_tsquery('russian', $2)))`,
      `($3::text IS NULL OR EXISTS (SELECT 1 FROM unnest(i.category_path) c WHERE lower(c) = lower($3)))`,
      `($4::bigint IS NULL OR i.price_minor >= $4)`,
      `($5::bigint IS NULL OR i.price_minor <= $5)`,
      ...attributeClauses,
    ].join(' AND ');
    const rank = `CASE WHEN $1::text IS NULL THEN 0 ELSE ts_rank(i.search, websearch_to_tsquery('english', $1)) END`;
    args.push(query.limit, (query.page - 1) * query.limit);
    const rows = (await this.dataSource.query(
      `SELECT i.*, ${rank} AS rank, count(*) OVER () AS total
         FROM recommender.items i
        WHERE ${where}
        ORDER BY ${ORDER[query.sort]}
        LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    )) as Array<ItemRow & { total: string }>;
    const total = rows[0] ? Number(rows[0].total) : await this.count(where, args.slice(0, -2));
    const filters: Record<string, string | number> = {};
    if (query.category) filters.category = query.category;
    if (query.priceMin !== undefined) filters.price_min = query.priceMin / 100;
    if (query.priceMax !== undefined) filters.price_max = query.priceMax / 100;
    for (const [param, key] of Object.entries(ATTRIBUTE_FILTERS)) {
      const value = query.attributes[key];
      if (value !== undefined) filters[param] = value;
    }
    return {
      query: query.q ?? null,
      ...(languages?.translated ? { english: languages.english } : {}),
      filters,
      sort: query.sort,
      page: query.page,
      limit: query.limit,
      total,
      items: rows.map((r) => toItemView(r)),
    };
  }

  /** A page past the end still reports how many items match. */
  private async count(where: string, args: unknown[]): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) AS n FROM recommender.items i WHERE ${where}`,
      args,
    )) as Array<{ n: string }>;
    return Number(row?.n ?? 0);
  }
}
