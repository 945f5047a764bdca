import { Controller, Get, HttpStatus, Query, UseGuards } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import { DevCallerGuard } from '../identity/dev-caller.guard';
import { CatalogBrowseService, isBrowse, parseBrowseQuery, type BrowseResponse } from './catalog-browse';
import { CatalogSearchService, SEARCH_MODES, type SearchMode, type SearchResponse } from './catalog-search.service';

@Controller('v1/catalog')
@UseGuards(DevCallerGuard)
export class SearchController {
  constructor(
    private readonly search: CatalogSearchService,
    private readonly catalog: CatalogBrowseService,
  ) {}

  /**
   * Ranked search (`q`, `limit`, `mode`: hybrid — the default with a checkpoint —, lexical, semantic — 409 without
   * one). With `category`, `price_min`, `price_max`, `gender`, `colour`, `type`, `sort` or `page` it is a browse
   * (full text + filters, sorted and paged; `q` optional). Any other parameter is a 400 `unknown_filter`.
   */
  @Get('search')
  async find(@Query() params: Record<string, unknown>): Promise<SearchResponse | BrowseResponse> {
    const parsed = parseBrowseQuery(params);
    const mode = params.mode;
    if (mode !== undefined && !SEARCH_MODES.includes(mode as SearchMode)) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `mode must be one of ${SEARCH_MODES.join(', ')}`);
    }
    if (isBrowse(params)) return this.catalog.browse(parsed);
    const query = parsed.q ?? '';
    if (query.length === 0) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'q must be 1-200 characters');
    }
    return this.search.search(query, parsed.limit, mode as SearchMode | undefined);
  }
}
