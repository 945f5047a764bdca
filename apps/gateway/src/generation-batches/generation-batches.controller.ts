import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiHeader,
  ApiNotFoundResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { optionalIdempotencyKey } from '../http/idempotency-key';
import { OwnIdempotency } from '../http/idempotent-posts.interceptor';
import { CurrentCaller, type Caller } from '../identity/caller';
import { CreateGenerationBatchDto } from '../generations/create-generation.dto';
import { GenerationBatches, type BatchView } from './generation-batches.service';

const notFound = (): ApiError => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'batch not found');

/** One creative per catalogue item: a batch of child generations, its progress, and a zip of the results. */
@ApiTags('generations')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1/generation-batches')
export class GenerationBatchesController {
  constructor(private readonly batches: GenerationBatches) {}

  @Post()
  @OwnIdempotency()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ description: 'the batch is queued: one generation (one image) per item' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key answers the same batch',
  })
  @ApiResponse({ status: 402, description: 'quota_exceeded: the images do not all fit; nothing started' })
  @ApiNotFoundResponse({ description: "item_not_found: an item is not in your catalogue (another shop's)" })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateGenerationBatchDto,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<{ id: string; status: 'queued'; items: number; links: { self: string; zip: string } }> {
    const { id } = await this.batches.submit(caller, dto, optionalIdempotencyKey(key));
    return {
      id,
      status: 'queued',
      items: dto.itemIds.length,
      links: { self: `/v1/generation-batches/${id}`, zip: `/v1/generation-batches/${id}/zip` },
    };
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<BatchView> {
    const view = await this.batches.view(caller.userId, id);
    if (!view) throw notFound();
    return view;
  }

  @Get(':id/zip')
  @ApiProduces('application/zip')
  async zip(@CurrentCaller() caller: Caller, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const out = await this.batches.zip(caller.userId, id);
    if (!out) throw notFound();
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="atelier-batch-${id}.zip"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Files', String(out.files));
    res.send(out.zip);
  }
}
