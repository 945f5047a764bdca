import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsUUID,
  Max,
  Min,
} from 'class-validator';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import { SEARCH_STRATEGIES, type SearchStrategy } from './visual-search-engine';
import { MAX_EXAMPLES, VisualSearchService } from './visual-search.service';

export class VisualSearchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXAMPLES)
  @IsUUID('all', { each: true })
  positive_photo_ids!: string[];

  /** At most MAX_EXAMPLES liked + disliked together (checked by the service). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EXAMPLES)
  @IsUUID('all', { each: true })
  negative_photo_ids?: string[];

  /** attribute → allowed values, e.g. {"gender": ["female"], "age_group": ["18-29", "30-44"]}. */
  @IsOptional()
  @IsObject()
  filters?: Record<string, string[]>;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  k?: number;

  @IsOptional()
  @IsIn(SEARCH_STRATEGIES)
  strategy?: SearchStrategy;
}

@Controller('v1/search')
@UseGuards(DevCallerGuard)
export class VisualSearchController {
  constructor(private readonly search: VisualSearchService) {}

  /** Best catalog photos for liked and disliked examples (the caller's own photos or catalog photos). */
  @Post('visual')
  @HttpCode(HttpStatus.OK)
  async visual(@CurrentCaller() caller: Caller, @Body() dto: VisualSearchDto) {
    const result = await this.search.search({
      ownerId: caller.userId,
      positiveIds: dto.positive_photo_ids.map((id) => id.toLowerCase()),
      negativeIds: (dto.negative_photo_ids ?? []).map((id) => id.toLowerCase()),
      filters: dto.filters,
      k: dto.k ?? 10,
      strategy: dto.strategy ?? 'average_vector',
    });
    return {
      matched: result.matched.map((m) => ({
        id: m.id,
        owner_id: m.ownerId,
        match_score: m.matchScore,
        embedding_score: m.embeddingScore,
        attribute_score: m.attributeScore,
        explanation: m.explanation,
      })),
      threshold: result.threshold,
      no_good_match: result.noGoodMatch,
      strategy: dto.strategy ?? 'average_vector',
    };
  }
}
