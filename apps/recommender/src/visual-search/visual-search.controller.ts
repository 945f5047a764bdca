import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import { PhotoRepository } from '../photos/photo.repository';
import { DEFAULT_STRATEGY, SEARCH_STRATEGIES, type SearchStrategy } from './visual-search-engine';
import { AGGREGATIONS, type Aggregation } from '../profiles/profile-matcher';
import { ProfilesService } from '../profiles/profiles.service';
import { MAX_EXAMPLES, VisualSearchService } from './visual-search.service';

export class VisualSearchDto {
  /** At least one liked photo or liked item in all (checked by the service). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EXAMPLES)
  @IsUUID('all', { each: true })
  positive_photo_ids?: string[];

  /** Catalogue items as examples (e.g. items the caller liked in the shop). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EXAMPLES)
  @IsUUID('all', { each: true })
  positive_item_ids?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EXAMPLES)
  @IsUUID('all', { each: true })
  negative_item_ids?: string[];

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

  /** photos (default): catalogue photos; profiles: dating profiles (apps/recommender/src/profiles). */
  @IsOptional()
  @IsIn(['photos', 'profiles'])
  target?: 'photos' | 'profiles';

  /** profiles only: how a profile's photo scores combine (default: the README's choice). */
  @IsOptional()
  @IsIn(AGGREGATIONS)
  aggregation?: Aggregation;
}

@Controller('v1/search')
@UseGuards(DevCallerGuard)
export class VisualSearchController {
  constructor(
    private readonly search: VisualSearchService,
    private readonly photos: PhotoRepository,
    private readonly profiles: ProfilesService,
  ) {}

  /** Best catalog photos for liked and disliked examples (the caller's own photos, catalog photos or items). */
  @Post('visual')
  @HttpCode(HttpStatus.OK)
  visual(@CurrentCaller() caller: Caller, @Body() dto: VisualSearchDto) {
    if (dto.target === 'profiles') return runProfileSearch(this.profiles, caller, dto);
    return runVisualSearch(this.search, this.photos, caller, dto);
  }
}

/** Profiles matching liked and disliked photos: `{matched_users: [{user_id, match_score, explanation, ...}]}`. */
async function runProfileSearch(profiles: ProfilesService, caller: Caller, dto: VisualSearchDto) {
  if (dto.positive_item_ids?.length || dto.negative_item_ids?.length || dto.strategy) {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'profile search takes photo ids (no items)', {
      allowed: ['positive_photo_ids', 'negative_photo_ids', 'filters', 'k', 'aggregation'],
    });
  }
  const result = await profiles.search({
    searcherId: caller.userId,
    positiveIds: (dto.positive_photo_ids ?? []).map((id) => id.toLowerCase()),
    negativeIds: (dto.negative_photo_ids ?? []).map((id) => id.toLowerCase()),
    filters: dto.filters,
    k: dto.k ?? 10,
    aggregation: dto.aggregation,
  });
  return { matched_users: result.matched, candidates: result.candidates, target: 'profiles' };
}

/** One visual search as the API answers it (also the rerun of a saved search). */
export async function runVisualSearch(
  search: VisualSearchService,
  photos: PhotoRepository,
  caller: Caller,
  dto: VisualSearchDto,
) {
  if (dto.target === 'profiles') {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'unsupported_target', 'profile searches are not saved', {
      allowed: ['photos'],
    });
  }
  const result = await search.search({
    ownerId: caller.userId,
    positiveIds: (dto.positive_photo_ids ?? []).map((id) => id.toLowerCase()),
    negativeIds: (dto.negative_photo_ids ?? []).map((id) => id.toLowerCase()),
    positiveItemIds: dto.positive_item_ids?.map((id) => id.toLowerCase()),
    negativeItemIds: dto.negative_item_ids?.map((id) => id.toLowerCase()),
    filters: dto.filters,
    k: dto.k ?? 10,
    strategy: dto.strategy ?? DEFAULT_STRATEGY,
  });
  // Each match with its product (a catalogue photo uploaded without an item has none).
  const products = await photos.productsOf(result.matched.map((m) => m.id));
  return {
    matched: result.matched.map((m) => ({
      id: m.id,
      item: products.get(m.id) ?? null,
      owner_id: m.ownerId,
      match_score: m.matchScore,
      embedding_score: m.embeddingScore,
      attribute_score: m.attributeScore,
      explanation: m.explanation,
    })),
    threshold: result.threshold,
    no_good_match: result.noGoodMatch,
    strategy: dto.strategy ?? DEFAULT_STRATEGY,
  };
}
