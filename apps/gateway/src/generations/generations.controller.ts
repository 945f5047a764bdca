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
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '../http/api-error';
import { CurrentCaller, DevUserGuard, type Caller } from '../identity/dev-user.guard';
import { CreateGenerationDto } from './create-generation.dto';
import { GenerationReadModelRepository, type GenerationRow, type StepRow } from './generation-read-model.repository';
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
    images: row.images.map((i) => ({ ...i, url: `/v1/generations/${row.id}/images/${i.rank}` })),
    failure: row.failure,
    steps: steps.map((s) => ({ event: s.event_type, status: s.status, at: s.at })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}
