import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';

/** Status groups a person filters by: done, still running, or ended without images. */
export const STATUS_GROUPS = ['completed', 'active', 'failed'] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

export const STATUS_GROUP_MEMBERS: Record<StatusGroup, string[]> = {
  completed: ['completed'],
  active: ['queued', 'reserved', 'enhancing', 'generating', 'judging'],
  failed: ['failed', 'rejected'],
};

/** A validated history search. Dates are whole UTC days, both ends included. */
export interface HistoryFilters {
  q?: string;
  platform?: string;
  status?: StatusGroup;
  from?: string;
  to?: string;
}

export type HistoryField = keyof HistoryFilters;

export const HISTORY_FIELDS: readonly HistoryField[] = ['q', 'platform', 'status', 'from', 'to'];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day between 2000 and 2100 (Postgres would throw on 2026-02-30; that must be a 400). */
export function isDay(v: string): boolean {
  const m = DAY.exec(v);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/**
 * Reads the search from query parameters (the web form or the API). Empty values mean "any". Returns the filters
 * and, per field, what is wrong; nothing is queried while anything is.
 */
export function parseHistoryFilters(query: Record<string, unknown>): {
  filters: HistoryFilters;
  problems: Partial<Record<HistoryField, string>>;
} {
  const filters: HistoryFilters = {};
  const problems: Partial<Record<HistoryField, string>> = {};
  const text = (field: HistoryField): string | undefined => {
    const v = query[field];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') {
      problems[field] = 'must be given once, as text';
      return undefined;
    }
    return v;
  };
  const q = text('q');
  if (q !== undefined) {
    const trimmed = q.trim();
    if (q.length > 200) problems.q = 'at most 200 characters';
    else if (/[\u0000-\u001f]/.test(q)) problems.q = 'no control characters';
    else if (trimmed) filters.q = trimmed;
  }
  const platform = text('platform');
  if (platform !== undefined) {
    if (/^[a-z_]{1,40}$/.test(platform)) filters.platform = platform;
    else problems.platform = 'a lowercase identifier such as instagram_post';
  }
  const status = text('status');
  if (status !== undefined) {
    if ((STATUS_GROUPS as readonly string[]).includes(status)) filters.status = status as StatusGroup;
    else problems.status = `one of ${STATUS_GROUPS.join(', ')}`;
  }
  for (const field of ['from', 'to'] as const) {
    const day = text(field);
    if (day === undefined) continue;
    if (isDay(day)) filters[field] = day;
    else problems[field] = 'a date YYYY-MM-DD';
  }
  if (filters.from && filters.to && filters.from > filters.to) problems.to = 'not before from';
  return { filters, problems };
}

/** The API's answer to a bad search: 400 with every problem, per field. */
export function invalidHistoryQuery(problems: Partial<Record<HistoryField, string>>): ApiError {
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    'invalid_history_query',
    Object.entries(problems)
      .map(([f, m]) => `${f}: ${m}`)
      .join('; '),
    { problems },
  );
}

/** Query-string form of the filters, for "show more" links that keep the search. */
export function filtersQuery(filters: HistoryFilters): string {
  const params = new URLSearchParams();
  for (const field of HISTORY_FIELDS) {
    const v = filters[field];
    if (v) params.set(field, v);
  }
  return params.toString();
}
