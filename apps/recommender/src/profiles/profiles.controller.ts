import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Put,
  Res,
  UseGuards,
} from '@nestjs/common';
import { Allow } from 'class-validator';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { ObjectStorage } from '@atelier/storage';
import { CurrentCaller, DevCallerGuard, type Caller } from '../identity/dev-caller.guard';
import type { ProfileRow } from './profile.repository';
import { ProfilesService } from './profiles.service';

/** Fields are checked by the service (machine-readable codes: age_out_of_range, unknown_gender, ...). */
export class ProfileDto {
  @Allow() display_name?: unknown;
  @Allow() gender?: unknown;
  @Allow() age?: unknown;
  @Allow() city?: unknown;
  @Allow() seeking_genders?: unknown;
  @Allow() seeking_age_min?: unknown;
  @Allow() seeking_age_max?: unknown;
  @Allow() photo_ids?: unknown;
  @Allow() opted_in?: unknown;
  @Allow() hidden?: unknown;
}

export class VisibilityDto {
  @Allow() opted_in?: unknown;
  @Allow() hidden?: unknown;
}

const uuidPipe = (what: string) =>
  new ParseUUIDPipe({ exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what} not found`) });

function view(row: ProfileRow, photoIds: string[]) {
  return {
    user_id: row.user_id,
    display_name: row.display_name,
    gender: row.gender,
    age: row.age,
    city: row.city,
    seeking_genders: row.seeking_genders,
    seeking_age_min: row.seeking_age_min,
    seeking_age_max: row.seeking_age_max,
    opted_in: row.opted_in,
    hidden: row.hidden,
    searchable: row.opted_in && !row.hidden,
    photo_ids: photoIds,
    updated_at: row.updated_at,
  };
}

/** The caller's dating profile (owner-scoped: every route acts on the caller's own rows) and others' photos. */
@Controller('v1/profiles')
@UseGuards(DevCallerGuard)
export class ProfilesController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly storage: ObjectStorage,
  ) {}

  @Get('me')
  async me(@CurrentCaller() caller: Caller) {
    const p = await this.profiles.get(caller.userId);
    if (!p) throw new ApiError(HttpStatus.NOT_FOUND, 'profile_not_found', 'you have no profile yet');
    return view(p.row, p.photoIds);
  }

  /** Creates or replaces the profile (photos: ids of the caller's uploads via POST /v1/photos, at most 10). */
  @Put('me')
  async save(@CurrentCaller() caller: Caller, @Body() dto: ProfileDto) {
    await this.profiles.save(caller.userId, dto);
    return this.me(caller);
  }

  @Patch('me/visibility')
  async visibility(@CurrentCaller() caller: Caller, @Body() dto: VisibilityDto) {
    await this.profiles.setVisibility(caller.userId, dto);
    return this.me(caller);
  }

  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentCaller() caller: Caller): Promise<void> {
    await this.profiles.remove(caller.userId);
  }

  @Get('me/blocks')
  async blocks(@CurrentCaller() caller: Caller) {
    return { items: await this.profiles.blocks(caller.userId) };
  }

  /** Blocks another user both ways: neither finds the other in profile search from now on. */
  @Put('me/blocks/:userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async block(@CurrentCaller() caller: Caller, @Param('userId', uuidPipe('user')) userId: string): Promise<void> {
    await this.profiles.block(caller.userId, userId.toLowerCase());
  }

  @Delete('me/blocks/:userId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async unblock(@CurrentCaller() caller: Caller, @Param('userId', uuidPipe('user')) userId: string): Promise<void> {
    await this.profiles.unblock(caller.userId, userId.toLowerCase());
  }

  /** A profile photo, for the owner or anyone who may find the profile (opted in, not hidden, no block). */
  @Get(':userId/photos/:photoId/image')
  async image(
    @CurrentCaller() caller: Caller,
    @Param('userId', uuidPipe('photo')) userId: string,
    @Param('photoId', uuidPipe('photo')) photoId: string,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.profiles.visiblePhoto(caller.userId, userId.toLowerCase(), photoId.toLowerCase());
    const bytes = file ? await this.storage.get(file.image_key) : undefined;
    if (!file || !bytes) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'photo not found');
    res.setHeader('Content-Type', `image/${file.format}`);
    // Private and revalidated: hiding a profile or a block must take the photo away at once.
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(bytes);
  }
}
