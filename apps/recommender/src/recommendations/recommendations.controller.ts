import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import { itemIdPipe } from '../catalog/catalog.controller';
import { ApiError } from '@atelier/service-kit';
import { boundedInt } from '../http/bounded-int.pipe';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import { SemanticItemIndex } from '../search/semantic-item-index';
import { RecommendationEngine, type Recommendation, type RecommendationList } from './recommendation-engine';
import { RecommendationTaskRepository } from './recommendation-task.repository';

export class CreateRecommendationTaskDto {
  // Absent means the default; an explicit null is a wrong type, not "not given" (it reached a NOT NULL column).
  @ValidateIf((_, v) => v !== undefined)
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  k: number = 10;
}

const taskIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'task not found'),
});

@Controller('v1')
@UseGuards(DevCallerGuard)
export class RecommendationsController {
  constructor(
    private readonly engine: RecommendationEngine,
    private readonly tasks: RecommendationTaskRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly semanticIndex: SemanticItemIndex,
  ) {}

  /** Synchronous top-k for the caller. */
  @Get('recommendations')
  async recommendations(
    @CurrentCaller() caller: Caller,
    @Query('k', new DefaultValuePipe(10), boundedInt('k', 1, 100)) k: number,
    @Query('category') category?: string,
  ): Promise<RecommendationList & { userId: string; k: number }> {
    if (category !== undefined && (category.length === 0 || category.length > 100)) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'category must be 1-100 characters');
    }
    return { userId: caller.userId, k, ...(await this.engine.recommend(caller.userId, k, category)) };
  }

  @Get('items/:id/similar')
  async similar(
    @Param('id', itemIdPipe) id: string,
    @Query('k', new DefaultValuePipe(10), boundedInt('k', 1, 100)) k: number,
  ): Promise<{ itemId: string; items: Recommendation[] }> {
    const items = await this.engine.similar(id, k);
    if (!items) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'item not found');
    return { itemId: id, items };
  }

  /** Seed-style asynchronous task: the row and `recommendation.requested` commit together; the worker answers. */
  @Post('recommendation-tasks')
  @HttpCode(HttpStatus.ACCEPTED)
  async createTask(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateRecommendationTaskDto,
  ): Promise<{ id: string; status: 'pending'; links: Record<string, string> }> {
    const id = randomUUID();
    await this.dataSource.transaction(async (m) => {
      await this.tasks.insert(m, { id, userId: caller.userId, k: dto.k });
      await this.outbox.add(
        m,
        'recommendation.requested',
        { taskId: id, userId: caller.userId, k: dto.k },
        { correlationId: id },
      );
    });
    return { id, status: 'pending', links: { self: `/v1/recommendation-tasks/${id}` } };
  }

  @Get('recommendation-tasks/:id')
  async getTask(@CurrentCaller() caller: Caller, @Param('id', taskIdPipe) id: string) {
    const task = await this.tasks.findOwned(id, caller.userId);
    if (!task) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'task not found');
    return {
      id: task.id,
      status: task.status,
      k: task.k,
      result: task.result,
      failure: task.failure,
      createdAt: task.created_at,
      completedAt: task.completed_at,
    };
  }

  /** Model and index health for dashboards. */
  @Get('recommendations/health')
  health() {
    return { ...this.engine.health(), semanticSearch: this.semanticIndex.health() };
  }
}
