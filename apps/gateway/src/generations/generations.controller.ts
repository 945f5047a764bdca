import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '@atelier/service-kit';
import { optionalIdempotencyKey } from '../http/idempotency-key';
import { CurrentCaller, type Caller } from '../identity/caller';
import { CreateGenerationDto } from './create-generation.dto';
import {
  AcceptedGenerationDto,
  CancelGenerationDto,
  DiverseSelectionDto,
  FeedbackDto,
  FeedbackResultDto,
  GenerationViewDto,
  ImageQueryDto,
} from './generation.dto';
import { GenerationCancellations } from './generation-cancellations.service';
import { GenerationEventStream } from './generation-event-stream';
import { GenerationFeedback } from './generation-feedback.service';
import { GenerationReadModelRepository, type GenerationRow } from './generation-read-model.repository';
import { GenerationRequests } from './generation-requests.service';
import { toImageView, toView } from './generation-view';
import { OwnIdempotency } from '../http/idempotent-posts.interceptor';
import { ProductPhotos } from '../product-photos/product-photos.service';

export const generationIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found'),
});
/** The cancel command answers a malformed id as the client's mistake (400), not as an unknown generation. */
export const cancelIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.BAD_REQUEST, 'invalid_generation_id', 'generation id must be a UUID'),
});
export const imageRankPipe = new ParseIntPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'image not found'),
});

/** The caller's own generations. Every read is scoped to the caller: another user's id answers 404. */
@ApiTags('generations')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1/generations')
export class GenerationsController {
  constructor(
    private readonly requests: GenerationRequests,
    private readonly readModel: GenerationReadModelRepository,
    private readonly storage: ObjectStorage,
    private readonly feedback: GenerationFeedback,
    private readonly events: GenerationEventStream,
    private readonly cancellations: GenerationCancellations,
    private readonly products: ProductPhotos,
  ) {}

  @Post()
  @OwnIdempotency()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AcceptedGenerationDto })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      '8-128 characters [A-Za-z0-9_.:-]; a retry with the same key and body answers the same generation (24 h)',
  })
  @ApiBadRequestResponse({ description: 'invalid_idempotency_key' })
  @ApiConflictResponse({ description: 'idempotency_key_reused: the key came earlier with another body' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateGenerationDto,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<AcceptedGenerationDto> {
    const idempotencyKey = optionalIdempotencyKey(key);
    // A catalogue item is checked (the caller's own) and its photo stored before anything is queued.
    const product = dto.itemId ? await this.products.resolve(caller, dto.itemId) : undefined;
    const { id } = await this.requests.submit(caller.userId, dto, idempotencyKey, product);
    return {
      id,
      status: 'queued',
      links: { self: `/v1/generations/${id}`, events: `/v1/generations/${id}/events` },
    };
  }

  // My history (`GET /v1/generations`, with search and filters) is served by gallery/gallery.controller.ts.

  @Get(':id')
  @ApiOkResponse({ type: GenerationViewDto })
  @ApiNotFoundResponse({ description: 'not_found (also for another user’s generation)' })
  async get(@CurrentCaller() caller: Caller, @Param('id', generationIdPipe) id: string): Promise<GenerationViewDto> {
    const found = await this.readModel.findOwnedWithSteps(id, caller.userId);
    if (!found) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found');
    return toView(found.row, found.steps);
  }

  /** Server-sent events: `step` per saga step (past ones replayed first), then `end` with the final status. */
  @Get(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'event: step {event, status, at} … event: end {status}' })
  async stream(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.owned(caller, id);
    this.events.serve(id, req, res);
  }

  /** PNG of the image at rank `n` (1 = best); `?download=1` as an attachment. */
  @Get(':id/images/:n')
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'PNG bytes' })
  async image(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Param('n', imageRankPipe) n: number,
    @Query() q: ImageQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    await sendImage(this.storage, await this.owned(caller, id), n, q.download === '1', res);
  }

  /**
   * A diverse top-k of the generation's images: the first k of the judge's DPP greedy order
   * (quality × similarity kernel), with the diversity and coverage of that selection.
   */
  @Post(':id/select')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DiverseSelectionDto })
  @ApiConflictResponse({ description: 'not_ready: the generation has no judged images yet' })
  async select(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Query('k') kRaw: string | undefined,
  ): Promise<DiverseSelectionDto> {
    const k = Number(kRaw);
    if (!Number.isInteger(k) || k < 1 || k > 64) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_k', 'k must be an integer from 1 to 64', { k: kRaw ?? null });
    }
    const row = await this.owned(caller, id);
    const d = row.judging?.diversity;
    if (row.status !== 'completed' || !d) {
      throw new ApiError(HttpStatus.CONFLICT, 'not_ready', 'generation has no judged images yet', {
        status: row.status,
      });
    }
    const take = Math.min(k, d.order.length);
    const byIndex = new Map(row.images.map((i) => [i.index, i]));
    const images = d.order.slice(0, take).flatMap((index) => {
      const img = byIndex.get(index);
      return img ? [toImageView(row.id, img)] : [];
    });
    return {
      k: take,
      images,
      diversity: take > 0 ? d.diversity[take - 1] : 0,
      coverage: take > 0 ? d.coverage[take - 1] : 0,
      method: d.method,
    };
  }

  /**
   * Stops a generation that is still running: billing releases its quota and fails it (`cancel`/`cancelled`);
   * the generator and judge skip its remaining work. Repeating it answers the same.
   */
  @Post(':id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: CancelGenerationDto })
  @ApiBadRequestResponse({ description: 'invalid_generation_id' })
  @ApiNotFoundResponse({ description: 'not_found (also for another user’s generation)' })
  @ApiConflictResponse({ description: 'already_terminal: it has completed, failed or been rejected' })
  async cancel(@CurrentCaller() caller: Caller, @Param('id', cancelIdPipe) id: string): Promise<CancelGenerationDto> {
    const outcome = await this.cancellations.cancel(caller.userId, id);
    return {
      id,
      cancel: outcome,
      links: { self: `/v1/generations/${id}`, events: `/v1/generations/${id}/events` },
    };
  }

  /** Like or dislike one image; publishes feedback.submitted. */
  @Post(':id/feedback')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: FeedbackResultDto })
  @ApiConflictResponse({ description: 'not_completed' })
  async rate(
    @CurrentCaller() caller: Caller,
    @Param('id', generationIdPipe) id: string,
    @Body() dto: FeedbackDto,
  ): Promise<FeedbackResultDto> {
    return this.feedback.submit(caller.userId, await this.owned(caller, id), dto.rank, dto.verdict);
  }

  private async owned(caller: Caller, id: string): Promise<GenerationRow> {
    const row = await this.readModel.findOwned(id, caller.userId);
    if (!row) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found');
    return row;
  }
}

export async function sendImage(
  storage: ObjectStorage,
  row: GenerationRow,
  rank: number,
  download: boolean,
  res: Response,
): Promise<void> {
  const image = row.images.find((i) => i.rank === rank);
  const bytes = image && (await storage.get(image.storageKey));
  if (!bytes) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'image not found');
  res.setHeader('Content-Type', 'image/png');
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (download) res.setHeader('Content-Disposition', `attachment; filename="atelier-${row.id}-${rank}.png"`);
  res.send(bytes);
}
