import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { GenerationReadModelRepository, type GenerationRow } from '../generations/generation-read-model.repository';
import { GenerationPageDto } from '../generations/generation.dto';
import { toPage } from '../generations/generation-view';
import { generationIdPipe, imageRankPipe } from '../generations/generations.controller';
import { decodeCursor } from '../http/pagination';
import { CurrentCaller, type Caller } from '../identity/caller';
import { GalleryImages } from './gallery-images.service';
import { GenerationGalleryRepository } from './generation-gallery.repository';
import { invalidHistoryQuery, parseHistoryFilters } from './history-filters';
import { HistoryQueryDto } from './history-query.dto';
import { DOWNLOAD_FORMATS, isDownloadFormat, type DownloadFormat } from './image-formats';
import { AGAIN_MODES, repeatRequest } from './regeneration';

function formatOf(raw: unknown): DownloadFormat {
  if (raw === undefined) return 'png';
  if (isDownloadFormat(raw)) return raw;
  throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_format', `format must be one of ${DOWNLOAD_FORMATS.join(', ')}`, {
    allowed: DOWNLOAD_FORMATS,
  });
}

/** The gallery over the caller's own generations: downloads, thumbnails, zip, repeat and delete. */
@ApiTags('generations')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1/generations')
export class GalleryController {
  constructor(
    private readonly readModel: GenerationReadModelRepository,
    private readonly gallery: GenerationGalleryRepository,
    private readonly images: GalleryImages,
  ) {}

  /** My history, newest first, keyset pages; `q`, `platform`, `status`, `from`, `to` narrow it (400 when malformed). */
  @Get()
  @ApiOkResponse({ type: GenerationPageDto })
  @ApiBadRequestResponse({ description: 'invalid_history_query (details.problems per field), invalid_cursor' })
  async list(@CurrentCaller() caller: Caller, @Query() q: HistoryQueryDto): Promise<GenerationPageDto> {
    const { filters, problems } = parseHistoryFilters({
      q: q.q,
      platform: q.platform,
      status: q.status,
      from: q.from,
      to: q.to,
    });
    if (Object.keys(problems).length > 0) throw invalidHistoryQuery(problems);
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    return toPage(await this.gallery.search(caller.userId, filters, q.limit + 1, cursor), q.limit);
  }

  /** The image at rank `n` as an attachment in PNG (the original), JPEG or WebP (converted on request). */
  @Get(':id/images/:n/download')
  @ApiQuery({ name: 'format', enum: DOWNLOAD_FORMATS, required: false })
  @ApiProduces('image/png', 'image/jpeg', 'image/webp')
  @ApiBadRequestResponse({ description: 'invalid_format' })
  @ApiNotFoundResponse({ description: 'not_found (also for another user’s or a deleted generation)' })
  async download(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Param('n', imageRankPipe) n: number,
    @Query('format') format: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const chosen = formatOf(format);
    await this.images.download(await this.owned(caller, id), n, chosen, res);
  }

  /** A WebP thumbnail, at most 256 px and 20 KB (made once, then read from storage). */
  @Get(':id/images/:n/thumbnail')
  @ApiProduces('image/webp')
  async thumbnail(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Param('n', imageRankPipe) n: number,
    @Res() res: Response,
  ): Promise<void> {
    await this.images.thumbnail(await this.owned(caller, id), n, res);
  }

  /** Every image of the generation in one zip (streamed), in the asked format. */
  @Get(':id/archive')
  @ApiQuery({ name: 'format', enum: DOWNLOAD_FORMATS, required: false })
  @ApiProduces('application/zip')
  @ApiConflictResponse({ description: 'not_ready: no images yet' })
  async archive(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Query('format') format: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const chosen = formatOf(format);
    await this.images.archive(await this.owned(caller, id), chosen, res);
  }

  /**
   * The body to POST to /v1/generations to repeat this request: `mode=same` keeps the seed (the same images
   * again), `mode=variations` leaves it out (new seeds). Quota and Idempotency-Key apply to that POST as usual.
   */
  @Get(':id/repeat')
  @ApiQuery({ name: 'mode', enum: AGAIN_MODES, required: false })
  @ApiOkResponse({ description: 'a CreateGenerationDto body' })
  async repeat(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Query('mode') mode: unknown,
  ): Promise<Record<string, unknown>> {
    if (mode !== undefined && mode !== 'same' && mode !== 'variations') {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_mode', `mode must be one of ${AGAIN_MODES.join(', ')}`);
    }
    return { ...repeatRequest(await this.owned(caller, id), mode ?? 'variations') };
  }

  /** Deletes (hides) the caller's generation: afterwards it and its images answer 404. */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'not_found (also for another user’s or an already deleted generation)' })
  async remove(@CurrentCaller() caller: Caller, @Param('id', generationIdPipe) id: string): Promise<void> {
    if (!(await this.gallery.delete(id, caller.userId))) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found');
    }
  }

  private async owned(caller: Caller, id: string): Promise<GenerationRow> {
    const row = await this.readModel.findOwned(id, caller.userId);
    if (!row) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found');
    return row;
  }
}
