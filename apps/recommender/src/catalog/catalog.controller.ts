import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '@atelier/service-kit';
import { CurrentCaller, DevCallerGuard, RequireRoles, type Caller } from '../identity/dev-caller.guard';
import { PLATFORM_SHOP_ID } from '../migrations/1763830000000-item-owners';
import { CatalogFormatError, csvToItems, jsonToItems, validateItems } from './catalog-file-parser';
import { CatalogWriter, type UpsertedItem } from './catalog-writer';
import { ItemDto } from './item.dto';
import { ItemRepository } from './item.repository';
import { toItemView, type ItemView } from './item-view';

export const itemIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'item not found'),
});

@Controller('v1/catalog')
@UseGuards(DevCallerGuard)
export class CatalogController {
  constructor(
    private readonly writer: CatalogWriter,
    private readonly items: ItemRepository,
    private readonly storage: ObjectStorage,
  ) {}

  @Post('items')
  @RequireRoles('admin', 'shop')
  @HttpCode(HttpStatus.CREATED)
  async upsert(
    @CurrentCaller() caller: Caller,
    @Body() dto: ItemDto,
    @Query('shop') shop?: string,
  ): Promise<UpsertedItem> {
    const [item] = await this.write([dto], ownerFor(caller, shop));
    return item;
  }

  /** Bulk import: `application/json` (array or {items}) or `text/csv` with a header row; all rows or none. */
  @Post('import')
  @RequireRoles('admin', 'shop')
  @HttpCode(HttpStatus.CREATED)
  async import(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query('category_columns') categoryColumns?: string,
    @Query('shop') shop?: string,
  ): Promise<{ imported: number; created: number; items: UpsertedItem[] }> {
    const shopId = ownerFor(caller, shop);
    let rows: Array<Record<string, unknown>>;
    try {
      if (contentType?.startsWith('text/csv')) {
        if (typeof body !== 'string') throw new CatalogFormatError('empty CSV body');
        rows = csvToItems(body, { categoryColumns: categoryColumns?.split(',').filter(Boolean) }).map((r) => r.item);
      } else {
        rows = jsonToItems(JSON.stringify(body ?? null)).map((r) => r.item);
      }
    } catch (err) {
      throw formatError(err);
    }
    if (rows.length === 0) throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'no items in the body');
    if (rows.length > 5000) throw new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', 'at most 5000 items');
    const dtos = (() => {
      try {
        return validateItems(rows);
      } catch (err) {
        throw formatError(err);
      }
    })();
    const items = await this.write(dtos, shopId);
    return { imported: items.length, created: items.filter((i) => i.created).length, items };
  }

  @Get('items/:id')
  async get(@Param('id', itemIdPipe) id: string): Promise<ItemView> {
    const row = await this.items.findById(id);
    if (!row) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'item not found');
    return toItemView(row);
  }

  @Get('items/:id/image')
  async image(@Param('id', itemIdPipe) id: string, @Res() res: Response): Promise<void> {
    const row = await this.items.findById(id);
    const bytes = row?.image_key ? await this.storage.get(row.image_key) : undefined;
    if (!row?.image_key || !bytes) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'image not found');
    const ext = row.image_key.split('.').pop();
    res.setHeader('Content-Type', ext === 'png' ? 'image/png' : ext === 'webp' ? 'image/webp' : 'image/jpeg');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.send(bytes);
  }

  private async write(dtos: ItemDto[], shopId: string): Promise<UpsertedItem[]> {
    try {
      return await this.writer.upsertMany(dtos, { shopId });
    } catch (err) {
      throw formatError(err);
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whose catalogue a write goes to: a shop writes only its own (naming another is 403); an admin writes the one
 * named by `?shop=` or the platform's. Upserts match (shop, externalId), so no shop can touch another's items.
 */
export function ownerFor(caller: Caller, shop: string | undefined): string {
  if (shop !== undefined && !UUID.test(shop)) {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'shop must be a shop account id (UUID)');
  }
  if (caller.role === 'admin') return shop?.toLowerCase() ?? PLATFORM_SHOP_ID;
  if (shop !== undefined && shop.toLowerCase() !== caller.userId.toLowerCase()) {
    throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', 'a shop manages only its own catalogue');
  }
  return caller.userId.toLowerCase();
}

function formatError(err: unknown): unknown {
  if (err instanceof CatalogFormatError) {
    return new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', err.message, err.details);
  }
  if (err instanceof SyntaxError) return new ApiError(HttpStatus.BAD_REQUEST, 'malformed_json', err.message);
  return err;
}
