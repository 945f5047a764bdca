import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PageQueryDto } from '../http/page-query.dto';
import { STATUS_GROUPS } from './history-filters';

/**
 * `GET /v1/generations` search: the page parameters plus filters. The filters are checked by
 * parseHistoryFilters (shared with the web form), so here they only need to be allowed through.
 */
export class HistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'text in the request or its enhanced prompt' })
  @IsOptional()
  q?: unknown;

  @ApiPropertyOptional({ example: 'instagram_post', description: 'chosen or detected platform' })
  @IsOptional()
  platform?: unknown;

  @ApiPropertyOptional({ enum: STATUS_GROUPS, description: 'completed, active (in progress) or failed' })
  @IsOptional()
  status?: unknown;

  @ApiPropertyOptional({ format: 'date', description: 'created on or after this UTC day' })
  @IsOptional()
  from?: unknown;

  @ApiPropertyOptional({ format: 'date', description: 'created on or before this UTC day' })
  @IsOptional()
  to?: unknown;
}
