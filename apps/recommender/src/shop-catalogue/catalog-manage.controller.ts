import {
  Body,
  Controller,
  DefaultValuePipe,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { boundedInt } from '../http/bounded-int.pipe';
import { CurrentCaller, DevCallerGuard, RequireRoles, type Caller } from '../identity/dev-caller.guard';
import { CatalogFormatError } from '../catalog/catalog-file-parser';
import { ownerFor } from '../catalog/catalog.controller';
import { CatalogWriter } from '../catalog/catalog-writer';
import { ItemDto } from '../catalog/item.dto';
import { ItemRepository, type ItemRow } from '../catalog/item.repository';
import { toItemView, type ItemView } from '../catalog/item-view';
import { ImportJobs, notFoundJob, type ImportJobView, type ImportMode } from './import-jobs';
import { type ColumnMapping } from './import-rows';
import { ItemPhotos, type ItemImage } from './item-photos';
import { readZip, ZipError } from './zip-reader';

export class ItemEditDto {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(/\S/, { message: 'title must contain non-whitespace characters' })
  title!: string;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  /** Major units; null removes the price. */
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1e12)
  price?: number | null;

  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as RUB' })
  currency?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  categoryPath?: string[];
}

export class ImportUploadDto {
  @IsIn(['csv', 'json'])
  format!: 'csv' | 'json';

  @IsString()
  @MinLength(1)
  @MaxLength(20_000_000)
  text!: string;

  /** CSV column → field (externalId, title, description, price, currency, category, attribute, ignore). */
  @IsOptional()
  @IsObject()
  mapping?: Record<string, string>;

  @IsOptional()
  @IsIn(['all', 'skip'])
  mode?: ImportMode;
}

const idPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'not found'),
});

/** Zip uploads: at most this many photos, each within the photo size limit. */
const ZIP_MAX_ENTRIES = 1000;
/** Files an archiver adds by itself (macOS resource forks, Finder and Explorer metadata). */
const ARCHIVER_JUNK = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/;

/**
 * A shop's own catalogue: list, edit, delete, photos (one per item or a zip matched to externalId) and imports
 * as jobs. A shop sees and changes only its items (another shop's item is 403); admins see all and act on any.
 */
@Controller('v1/catalog/manage')
@UseGuards(DevCallerGuard)
@RequireRoles('admin', 'shop')
export class CatalogManageController {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly dataSource: DataSource,
    private readonly items: ItemRepository,
    private readonly writer: CatalogWriter,
    private readonly photos: ItemPhotos,
    private readonly jobs: ImportJobs,
  ) {}

  @Get('items')
  async list(
    @CurrentCaller() caller: Caller,
    @Query('page', new DefaultValuePipe(1), boundedInt('page', 1, 10_000)) page: number,
    @Query('limit', new DefaultValuePipe(24), boundedInt('limit', 1, 100)) limit: number,
  ): Promise<{ items: ItemView[]; total: number; page: number; limit: number }> {
    const shop = caller.role === 'admin' ? null : caller.userId.toLowerCase();
    const [rows, count] = await Promise.all([
      this.dataSource.query(
        `SELECT id, shop_id, external_id, title, description, category_path, attributes, price_minor, currency,
                image_key, created_at, updated_at
           FROM recommender.items WHERE ($1::uuid IS NULL OR shop_id = $1)
          ORDER BY updated_at DESC, id LIMIT $2 OFFSET $3`,
        [shop, limit, (page - 1) * limit],
      ) as Promise<ItemRow[]>,
      this.dataSource.query(
        `SELECT count(*)::int AS n FROM recommender.items WHERE ($1::uuid IS NULL OR shop_id = $1)`,
        [shop],
      ) as Promise<Array<{ n: number }>>,
    ]);
    return { items: rows.map(toItemView), total: count[0].n, page, limit };
  }

  @Post('items/:id')
  async edit(
    @CurrentCaller() caller: Caller,
    @Param('id', idPipe) id: string,
    @Body() dto: ItemEditDto,
  ): Promise<ItemView> {
    const row = await this.owned(caller, id);
    const item = plainToInstance(ItemDto, {
      externalId: row.external_id,
      title: dto.title,
      description: dto.description ?? row.description,
      categoryPath: dto.categoryPath ?? row.category_path,
      attributes: row.attributes,
      price: dto.price === undefined ? priceOf(row) : (dto.price ?? undefined),
      currency: dto.currency ?? row.currency,
    });
    await this.writer.upsertMany([item], { shopId: row.shop_id }).catch(rethrowFormat);
    return toItemView((await this.items.findById(id)) as ItemRow);
  }

  @Delete('items/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentCaller() caller: Caller, @Param('id', idPipe) id: string): Promise<void> {
    await this.owned(caller, id);
    await this.dataSource.transaction(async (m) => {
      await this.photos.retire(m, id, 'item_deleted');
      await m.query('DELETE FROM recommender.items WHERE id = $1', [id]);
    });
  }

  /** One product photo (the raw JPEG/PNG/WebP as the body): re-encoded, stored, and queued for visual search. */
  @Post('items/:id/image')
  async image(
    @CurrentCaller() caller: Caller,
    @Param('id', idPipe) id: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ): Promise<ItemView> {
    const row = await this.owned(caller, id);
    const type = contentType?.split(';')[0].trim().toLowerCase();
    if (!type || !['image/jpeg', 'image/png', 'image/webp'].includes(type) || !Buffer.isBuffer(body)) {
      throw new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', 'send a JPEG, PNG or WebP body');
    }
    const image = await this.writer.storeImage(body, 'photo').catch(rethrowFormat);
    await this.setImages([{ row, image }]);
    return toItemView((await this.items.findById(id)) as ItemRow);
  }

  /**
   * A zip of photos named by externalId (`SKU-1.jpg`, `photos/SKU-2.png`). All or nothing: a broken zip, a file
   * that is not an image, an image over the limits or a name matching none of the shop's items refuses the whole
   * upload, and nothing is stored.
   */
  @Post('photos')
  async zip(
    @CurrentCaller() caller: Caller,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Query('shop') shop?: string,
  ): Promise<{ matched: number; items: Array<{ id: string; externalId: string; file: string }> }> {
    const shopId = ownerFor(caller, shop);
    const type = contentType?.split(';')[0].trim().toLowerCase();
    if (!['application/zip', 'application/x-zip-compressed'].includes(type ?? '') || !Buffer.isBuffer(body)) {
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_media_type',
        'send the zip as application/zip',
      );
    }
    const maxBytes = this.config.env.PHOTO_MAX_BYTES;
    let entries;
    try {
      entries = readZip(body, { maxEntries: ZIP_MAX_ENTRIES, maxEntryBytes: maxBytes, maxTotalBytes: 20 * maxBytes });
    } catch (err) {
      if (!(err instanceof ZipError)) throw err;
      const status = err.code === 'zip_too_large' ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.BAD_REQUEST;
      throw new ApiError(status, err.code, err.message);
    }
    const files = entries.filter((e) => !ARCHIVER_JUNK.test(e.name));
    if (files.length === 0) throw new ApiError(HttpStatus.BAD_REQUEST, 'invalid_zip', 'the zip holds no photos');
    const byExternalId = new Map<string, { name: string; bytes: Buffer }>();
    for (const f of files) {
      const base = f.name.split('/').pop() ?? f.name;
      const externalId = base.replace(/\.[^.]*$/, '');
      if (byExternalId.has(externalId)) {
        throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', `two photos for ${externalId}`, {
          files: [byExternalId.get(externalId)?.name, f.name],
        });
      }
      byExternalId.set(externalId, f);
    }
    const rows = (await this.dataSource.query(
      `SELECT id, shop_id, external_id, title, description, category_path, attributes, price_minor, currency,
              image_key, created_at, updated_at
         FROM recommender.items WHERE shop_id = $1 AND external_id = ANY($2::text[])`,
      [shopId, [...byExternalId.keys()]],
    )) as ItemRow[];
    const known = new Map(rows.map((r) => [r.external_id, r]));
    const unknown = [...byExternalId.entries()].filter(([id]) => !known.has(id)).map(([, f]) => f.name);
    if (unknown.length) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'unknown_external_id',
        `${unknown.length} photo(s) match no item of the shop by externalId: ${unknown.slice(0, 5).join(', ')}`,
        { files: unknown.slice(0, 50) },
      );
    }
    // Every photo is checked and re-encoded before anything is written.
    const images: Array<{ row: ItemRow; image: ItemImage; file: string }> = [];
    for (const [externalId, f] of byExternalId) {
      const image = await this.writer.storeImage(f.bytes, f.name).catch(rethrowFormat);
      images.push({ row: known.get(externalId) as ItemRow, image, file: f.name });
    }
    await this.setImages(images);
    return {
      matched: images.length,
      items: images.map((i) => ({ id: i.row.id, externalId: i.row.external_id, file: i.file })),
    };
  }

  @Post('import/preview')
  @HttpCode(HttpStatus.OK)
  preview(@Body() dto: ImportUploadDto) {
    try {
      return this.jobs.preview(dto.format, dto.text, dto.mapping as ColumnMapping | undefined);
    } catch (err) {
      return rethrowFormat(err);
    }
  }

  @Post('import/jobs')
  @HttpCode(HttpStatus.ACCEPTED)
  async startImport(
    @CurrentCaller() caller: Caller,
    @Body() dto: ImportUploadDto,
    @Query('shop') shop?: string,
  ): Promise<ImportJobView> {
    const shopId = ownerFor(caller, shop);
    return this.jobs
      .start(
        {
          format: dto.format,
          text: dto.text,
          mapping: dto.mapping as ColumnMapping | undefined,
          mode: dto.mode ?? 'all',
        },
        shopId,
        caller.userId,
      )
      .catch(rethrowFormat);
  }

  @Get('import/jobs')
  async jobsList(@CurrentCaller() caller: Caller): Promise<{ items: ImportJobView[] }> {
    return { items: await this.jobs.list(caller.role === 'admin' ? undefined : caller.userId.toLowerCase(), 20) };
  }

  @Get('import/jobs/:id')
  async job(@CurrentCaller() caller: Caller, @Param('id', idPipe) id: string): Promise<ImportJobView> {
    const job = await this.jobs.find(id, caller.role === 'admin' ? undefined : caller.userId.toLowerCase());
    if (!job) throw notFoundJob();
    return job;
  }

  /** The item if the caller may change it: 404 when it does not exist, 403 when it is another shop's. */
  private async owned(caller: Caller, id: string): Promise<ItemRow> {
    const row = await this.items.findById(id);
    if (!row) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'item not found');
    if (caller.role !== 'admin' && row.shop_id.toLowerCase() !== caller.userId.toLowerCase()) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', 'a shop manages only its own items');
    }
    return row;
  }

  /** New images for items (all of one shop): rows, catalogue photos and events in one transaction. */
  private async setImages(list: Array<{ row: ItemRow; image: ItemImage }>): Promise<void> {
    const items = list.map(({ row }) =>
      plainToInstance(ItemDto, {
        externalId: row.external_id,
        title: row.title,
        description: row.description,
        categoryPath: row.category_path,
        attributes: row.attributes,
        price: priceOf(row),
        currency: row.currency,
      }),
    );
    await this.writer
      .upsertMany(items, { shopId: list[0].row.shop_id, storedImages: new Map(list.map((l, i) => [i, l.image])) })
      .catch(rethrowFormat);
  }
}

const priceOf = (row: ItemRow): number | undefined =>
  row.price_minor === null ? undefined : Number(row.price_minor) / 100;

function rethrowFormat(err: unknown): never {
  if (err instanceof CatalogFormatError) {
    const detail = Array.isArray(err.details) ? (err.details[0] as { status?: number; code?: string }) : undefined;
    if (detail?.status && detail.code) throw new ApiError(detail.status, detail.code, err.message, err.details);
    throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', err.message, err.details);
  }
  throw err;
}
