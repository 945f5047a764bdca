import { Controller, DefaultValuePipe, Get, HttpStatus, Query, UseGuards } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import { boundedInt } from '../http/bounded-int.pipe';
import { DevCallerGuard } from '../identity/dev-caller.guard';
import { CatalogSearchService, SEARCH_MODES, type SearchMode, type SearchResponse } from './catalog-search.service';

@Controller('v1/catalog')
@UseGuards(DevCallerGuard)
export class SearchController {
  constructor(private readonly search: CatalogSearchService) {}

  /**
   * `mode`: hybrid (default with a checkpoint), lexical (what hybrid is without one), semantic (409 without one).
   */
  @Get('search')
  async find(
    @Query('q') q: string | undefined,
    @Query('limit', new DefaultValuePipe(20), boundedInt('limit', 1, 100)) limit: number,
    @Query('mode') mode: string | undefined,
  ): Promise<SearchResponse> {
    const query = (q ?? '').trim();
    if (query.length === 0 || query.length > 200) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'q must be 1-200 characters');
    }
    if (mode !== undefined && !SEARCH_MODES.includes(mode as SearchMode)) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `mode must be one of ${SEARCH_MODES.join(', ')}`);
    }
    return this.search.search(query, limit, mode as SearchMode | undefined);
  }
}
