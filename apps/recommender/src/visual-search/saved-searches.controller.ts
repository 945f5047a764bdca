import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { DataSource } from 'typeorm';
import { ApiError } from '@atelier/service-kit';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import { PhotoRepository } from '../photos/photo.repository';
import { runVisualSearch, VisualSearchDto } from './visual-search.controller';
import { VisualSearchService } from './visual-search.service';

/** Saved searches per person (a small list to come back to). */
export const MAX_SAVED_SEARCHES = 50;

export class SaveSearchDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/\S/, { message: 'name must contain non-whitespace characters' })
  name!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => VisualSearchDto)
  query!: VisualSearchDto;
}

interface SavedRow {
  id: string;
  name: string;
  query: VisualSearchDto;
  created_at: Date;
}

const idPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'saved search not found'),
});

/** The caller's saved visual searches: list, save, rerun, delete. Nobody sees or runs another person's. */
@Controller('v1/search/visual/saved')
@UseGuards(DevCallerGuard)
export class SavedSearchesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly search: VisualSearchService,
    private readonly photos: PhotoRepository,
  ) {}

  @Get()
  async list(@CurrentCaller() caller: Caller) {
    const rows = (await this.dataSource.query(
      `SELECT id, name, query, created_at FROM recommender.saved_searches WHERE owner_id = $1
        ORDER BY created_at DESC LIMIT $2`,
      [caller.userId, MAX_SAVED_SEARCHES],
    )) as SavedRow[];
    return { items: rows.map(view) };
  }

  /** Checked by running it once: a search that cannot run (unknown photos, bad filters) is not saved. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  async save(@CurrentCaller() caller: Caller, @Body() dto: SaveSearchDto) {
    await runVisualSearch(this.search, this.photos, caller, dto.query);
    const id = randomUUID();
    const rows = (await this.dataSource.query(
      `INSERT INTO recommender.saved_searches (id, owner_id, name, query)
       SELECT $1, $2, $3, $4::jsonb
        WHERE (SELECT count(*) FROM recommender.saved_searches WHERE owner_id = $2) < $5
       RETURNING id, name, query, created_at`,
      [id, caller.userId, dto.name.trim(), JSON.stringify(dto.query), MAX_SAVED_SEARCHES],
    )) as SavedRow[];
    if (!rows.length) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'too_many_saved_searches',
        `at most ${MAX_SAVED_SEARCHES} saved searches`,
      );
    }
    return view(rows[0]);
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', idPipe) id: string) {
    return view(await this.owned(caller, id));
  }

  @Post(':id/run')
  @HttpCode(HttpStatus.OK)
  async run(@CurrentCaller() caller: Caller, @Param('id', idPipe) id: string) {
    const saved = await this.owned(caller, id);
    return { saved: view(saved), result: await runVisualSearch(this.search, this.photos, caller, saved.query) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentCaller() caller: Caller, @Param('id', idPipe) id: string): Promise<void> {
    const res = (await this.dataSource.query(
      'DELETE FROM recommender.saved_searches WHERE id = $1 AND owner_id = $2 RETURNING id',
      [id, caller.userId],
    )) as [unknown[], number];
    if (res[1] === 0) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'saved search not found');
  }

  private async owned(caller: Caller, id: string): Promise<SavedRow> {
    const rows = (await this.dataSource.query(
      'SELECT id, name, query, created_at FROM recommender.saved_searches WHERE id = $1 AND owner_id = $2',
      [id, caller.userId],
    )) as SavedRow[];
    if (!rows[0]) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'saved search not found');
    return rows[0];
  }
}

const view = (r: SavedRow) => ({ id: r.id, name: r.name, query: r.query, created_at: r.created_at });
