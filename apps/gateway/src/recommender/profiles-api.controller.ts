import { Controller, Delete, Get, Param, Patch, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentCaller, type Caller } from '../identity/caller';
import { RecommenderRelay, segment } from './recommender-relay';

// Dating profiles (recommender, apps/recommender/src/profiles): relayed as the signed caller, the recommender
// validates and scopes every route to the caller. Their search is POST /v1/search/visual with target "profiles".

@ApiTags('profiles')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1/profiles')
export class ProfilesApiController {
  constructor(private readonly relay: RecommenderRelay) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller’s dating profile (404 profile_not_found before the first save)' })
  me(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/profiles/me');
  }

  @Put('me')
  @ApiOperation({
    summary:
      'Create or replace the profile: display_name, gender, age, city, seeking_genders, seeking_age_min/max, ' +
      'photo_ids (own uploads, ≤ 10), opted_in, hidden',
  })
  save(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'PUT', '/v1/profiles/me');
  }

  @Delete('me')
  remove(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'DELETE', '/v1/profiles/me');
  }

  @Patch('me/visibility')
  @ApiOperation({ summary: 'Opt in/out ({opted_in}) or hide/show ({hidden}) the profile, effective at once' })
  visibility(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'PATCH', '/v1/profiles/me/visibility');
  }

  @Get('me/blocks')
  blocks(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/profiles/me/blocks');
  }

  @Put('me/blocks/:userId')
  @ApiOperation({ summary: 'Block a user: neither finds the other from now on' })
  block(@CurrentCaller() c: Caller, @Param('userId') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'PUT', `/v1/profiles/me/blocks/${segment(id)}`);
  }

  @Delete('me/blocks/:userId')
  unblock(@CurrentCaller() c: Caller, @Param('userId') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'DELETE', `/v1/profiles/me/blocks/${segment(id)}`);
  }

  @Get(':userId/photos/:photoId/image')
  @ApiOperation({ summary: 'A photo of a profile the caller may see (or of their own)' })
  image(
    @CurrentCaller() c: Caller,
    @Param('userId') userId: string,
    @Param('photoId') photoId: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.relay.relay(c, req, res, 'GET', `/v1/profiles/${segment(userId)}/photos/${segment(photoId)}/image`);
  }
}
