import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '../http/api-error';
import { CurrentCaller, DevUserGuard, type Caller } from '../identity/dev-user.guard';
import { CreateGenerationDto } from './create-generation.dto';
import {
  GenerationReadModelRepository,
  type GenerationRow,
  type RankedImageView,
  type StepRow,
} from './generation-read-model.repository';
import { GenerationRequests } from './generation-requests.service';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found'),
});

@Controller('v1/generations')
@UseGuards(DevUserGuard)
export class GenerationsController {
  constructor(
    private readonly requests: GenerationRequests,
    private readonly readModel: GenerationReadModelRepository,
    private readonly storage: ObjectStorage,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateGenerationDto,
  ): Promise<{ id: string; status: 'queued'; links: Record<string, string> }> {
    const { id } = await this.requests.submit(caller.userId, dto);
    return { id, status: 'queued', links: { self: `/v1/generations/${id}` } };
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', uuidPipe) id: string): Promise<ReturnType<typeof toView>> {
    const row = await this.owned(caller, id);
    return toView(row, await this.readModel.steps(id));
  }

  /** PNG of the image at rank `n` (1 = best). */
  @Get(':id/images/:n')
  async image(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidPipe) id: string,
    @Param(
      'n',
      new ParseIntPipe({ exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'image not found') }),
    )
    n: number,
    @Res() res: Response,
  ): Promise<void> {
    const row = await this.owned(caller, id);
    const image = row.images.find((i) => i.rank === n);
    const bytes = image && (await this.storage.get(image.storageKey));
    if (!bytes) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'image not found');
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.send(bytes);
  }

  /**
   * A diverse top-k of the generation's images: the first k of the judge's DPP greedy order
   * (quality × similarity kernel), with the diversity and coverage of that selection.
   */
  @Post(':id/select')
  @HttpCode(HttpStatus.OK)
  async select(
    @CurrentCaller() caller: Caller,
    @Param('id', uuidPipe) id: string,
    @Query('k') kRaw: string | undefined,
  ): Promise<{
    k: number;
    images: Array<ReturnType<typeof toImageView>>;
    diversity: number;
    coverage: number;
    method: string;
  }> {
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

  private async owned(caller: Caller, id: string): Promise<GenerationRow> {
    const row = await this.readModel.findOwned(id, caller.userId);
    if (!row) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found');
    return row;
  }
}

function toView(row: GenerationRow, steps: StepRow[]) {
  return {
    id: row.id,
    status: row.status,
    prompt: row.prompt,
    params: row.params,
    cleanedPrompt: row.cleaned_prompt,
    enhancedPrompt: row.enhanced_prompt,
    enhancement: row.enhancement,
    backend: row.backend,
    scorer: row.scorer,
    images: row.images.map((i) => toImageView(row.id, i)),
    judging: row.judging,
    failure: row.failure,
    steps: steps.map((s) => ({ event: s.event_type, status: s.status, at: s.at })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

function toImageView(id: string, i: RankedImageView) {
  return { ...i, url: `/v1/generations/${id}/images/${i.rank}` };
}
