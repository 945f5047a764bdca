import { Body, Controller, DefaultValuePipe, Get, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import { IsIn, IsUUID } from 'class-validator';
import { ItemRepository } from '../catalog/item.repository';
import { ApiError } from '@atelier/service-kit';
import { boundedInt } from '../http/bounded-int.pipe';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import { INTERACTION_KINDS, INTERACTION_WEIGHTS, type InteractionKind } from './interaction-kinds';
import { InteractionRepository } from './interaction.repository';

export class CreateInteractionDto {
  @IsUUID()
  itemId!: string;

  @IsIn(INTERACTION_KINDS)
  kind!: InteractionKind;
}

interface InteractionView {
  id: string;
  itemId: string;
  kind: InteractionKind;
  weight: number;
  at: Date;
}

@Controller('v1/interactions')
@UseGuards(DevCallerGuard)
export class InteractionsController {
  constructor(
    private readonly interactions: InteractionRepository,
    private readonly items: ItemRepository,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(@CurrentCaller() caller: Caller, @Body() dto: CreateInteractionDto): Promise<InteractionView> {
    if (!(await this.items.findById(dto.itemId))) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'item not found');
    }
    const row = await this.interactions.insert(caller.userId, dto.itemId, dto.kind, INTERACTION_WEIGHTS[dto.kind]);
    return { id: row.id, itemId: row.item_id, kind: row.kind, weight: row.weight, at: row.created_at };
  }

  /** The caller's own interactions, newest first. */
  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query('limit', new DefaultValuePipe(50), boundedInt('limit', 1, 500)) limit: number,
  ): Promise<{ items: InteractionView[] }> {
    const rows = await this.interactions.forUser(caller.userId, limit);
    return {
      items: rows.map((r) => ({ id: r.id, itemId: r.item_id, kind: r.kind, weight: r.weight, at: r.created_at })),
    };
  }
}
