import {
  Body,
  Controller,
  DefaultValuePipe,
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
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { ObjectStorage } from '@atelier/storage';
import { boundedInt } from '../http/bounded-int.pipe';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import { PhotoRejected } from './photo-sanitizer';
import { PhotoRepository, type PhotoPurpose, type PhotoRow, type PhotoStatus } from './photo.repository';
import { PhotoUploads } from './photo-uploads';

export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export class ProcessBatchDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  photo_ids?: string[];

  @IsOptional()
  @IsIn(['pending', 'annotated', 'failed'])
  status?: PhotoStatus;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

const photoIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'photo not found'),
});

function view(r: PhotoRow) {
  return {
    id: r.id,
    owner_id: r.owner_id,
    // A catalogue photo belongs to the shop that uploaded it.
    shop_id: r.purpose === 'catalog' ? r.owner_id : null,
    purpose: r.purpose,
    status: r.status,
    format: r.format,
    width: r.width,
    height: r.height,
    attributes: r.attributes,
    embedding_model: r.embedding_model,
    failure: r.failure,
    created_at: r.created_at,
    annotated_at: r.annotated_at,
  };
}

@Controller('v1/photos')
@UseGuards(DevCallerGuard)
export class PhotosController {
  constructor(
    private readonly uploads: PhotoUploads,
    private readonly photos: PhotoRepository,
    private readonly storage: ObjectStorage,
  ) {}

  /** The raw image is the body (Content-Type image/jpeg, image/png or image/webp); annotation is asynchronous. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async upload(
    @CurrentCaller() caller: Caller,
    @Headers('content-type') contentType: string | undefined,
    @Query('purpose', new DefaultValuePipe('query')) purpose: string,
    @Body() body: unknown,
  ) {
    if (purpose !== 'query' && purpose !== 'catalog') {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'purpose must be query or catalog');
    }
    // Catalogue photos are searchable by everyone: only shops (theirs, owned by the shop account) and admins add them.
    if (purpose === 'catalog' && caller.role !== 'shop' && caller.role !== 'admin') {
      throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', 'only shops and admins add catalogue photos');
    }
    const type = contentType?.split(';')[0].trim().toLowerCase();
    if (!type || !PHOTO_CONTENT_TYPES.includes(type) || !Buffer.isBuffer(body)) {
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_media_type',
        `send the image as the body with Content-Type ${PHOTO_CONTENT_TYPES.join(', ')}`,
      );
    }
    try {
      return view(await this.uploads.upload(caller.userId, purpose as PhotoPurpose, body));
    } catch (err) {
      if (err instanceof PhotoRejected) throw new ApiError(err.status, err.code, err.message);
      throw err;
    }
  }

  @Get()
  async list(
    @CurrentCaller() caller: Caller,
    @Query('limit', new DefaultValuePipe(50), boundedInt('limit', 1, 500)) limit: number,
  ) {
    return { items: (await this.photos.listByOwner(caller.userId, limit)).map(view) };
  }

  /** Status and attributes of one of the caller's photos (admins: any). */
  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', photoIdPipe) id: string) {
    const row = await this.photos.find(id);
    if (!row || (row.owner_id !== caller.userId && caller.role !== 'admin')) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'photo not found');
    }
    return view(row);
  }

  /** The sanitised image of one of the caller's photos or of a catalog photo (admins: any). */
  @Get(':id/image')
  async image(@CurrentCaller() caller: Caller, @Param('id', photoIdPipe) id: string, @Res() res: Response) {
    const row = await this.photos.find(id);
    const visible = row && (row.owner_id === caller.userId || row.purpose === 'catalog' || caller.role === 'admin');
    const bytes = visible ? await this.storage.get(row.image_key) : undefined;
    if (!row || !bytes) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'photo not found');
    res.setHeader('Content-Type', `image/${row.format}`);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.send(bytes);
  }

  /** Queues photos for annotation again: given ids, or all in a status; the caller's own unless admin. */
  @Post('process_batch')
  @HttpCode(HttpStatus.ACCEPTED)
  async processBatch(@CurrentCaller() caller: Caller, @Body() dto: ProcessBatchDto) {
    if (!dto.photo_ids?.length && !dto.status) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', 'give photo_ids or status');
    }
    const queued = await this.uploads.processBatch({
      ids: dto.photo_ids?.map((id) => id.toLowerCase()),
      status: dto.status,
      ownerId: caller.role === 'admin' ? undefined : caller.userId,
      limit: dto.limit ?? 500,
    });
    return { queued: queued.length, photo_ids: queued };
  }
}
