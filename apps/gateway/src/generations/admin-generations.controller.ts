import { Controller, Get, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import type { Response } from 'express';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '@atelier/service-kit';
import { decodeCursor } from '../http/pagination';
import { PageQueryDto } from '../http/page-query.dto';
import { Roles } from '../identity/caller';
import { GenerationPageDto, GenerationViewDto, ImageQueryDto } from './generation.dto';
import { GenerationReadModelRepository, type GenerationRow } from './generation-read-model.repository';
import { generationIdPipe, imageRankPipe, sendImage } from './generations.controller';
import { toPage, toView } from './generation-view';

class AdminGenerationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only this user’s generations' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

/** Administration: any user's requests. Other callers get 404. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/generations')
@Roles('admin')
export class AdminGenerationsController {
  constructor(
    private readonly readModel: GenerationReadModelRepository,
    private readonly storage: ObjectStorage,
  ) {}

  @Get()
  @ApiOkResponse({ type: GenerationPageDto })
  async list(@Query() q: AdminGenerationsQueryDto): Promise<GenerationPageDto> {
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    return toPage(await this.readModel.list(q.userId, q.limit + 1, cursor), q.limit);
  }

  @Get(':id')
  @ApiOkResponse({ type: GenerationViewDto })
  async get(@Param('id', generationIdPipe) id: string): Promise<GenerationViewDto & { userId: string }> {
    const row = await this.any(id);
    return { ...toView(row, await this.readModel.steps(id)), userId: row.user_id };
  }

  @Get(':id/images/:n')
  async image(
    @Param('id', generationIdPipe) id: string,
    @Param('n', imageRankPipe) n: number,
    @Query() q: ImageQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    await sendImage(this.storage, await this.any(id), n, q.download === '1', res);
  }

  private async any(id: string): Promise<GenerationRow> {
    const row = await this.readModel.findAny(id);
    if (!row) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'generation not found');
    return row;
  }
}
