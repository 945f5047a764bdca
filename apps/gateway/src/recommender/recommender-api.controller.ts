import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentCaller, type Caller } from '../identity/caller';
import { RecommenderRelay, segment } from './recommender-relay';

// The recommender's public API (apps/recommender/README.md), served at the gateway's origin behind accounts.
// Handlers only name the route: the relay forwards query and body as the caller, the recommender validates.

@ApiTags('catalog')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1/catalog')
export class CatalogApiController {
  constructor(private readonly relay: RecommenderRelay) {}

  @Get('search')
  @ApiOperation({ summary: 'Title search: full text (English + Russian stemming), trigram typo tolerance' })
  search(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/catalog/search');
  }

  @Get('items/:id')
  item(@CurrentCaller() c: Caller, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', `/v1/catalog/items/${segment(id)}`);
  }

  @Get('items/:id/image')
  image(@CurrentCaller() c: Caller, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', `/v1/catalog/items/${segment(id)}/image`);
  }

  @Post('items')
  @ApiOperation({ summary: 'Upsert one item by externalId (shop, admin)' })
  upsert(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/catalog/items');
  }

  @Post('import')
  @ApiOperation({ summary: 'Bulk import: JSON array or text/csv, all rows or none (shop, admin)' })
  import(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/catalog/import');
  }

  @Post('manage/import/jobs')
  @ApiOperation({
    summary: 'Import as a job: {format: csv|json, text, mapping?, mode: all|skip} → 202 with its id (shop, admin)',
  })
  importJob(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/catalog/manage/import/jobs');
  }

  @Get('manage/import/jobs/:id')
  @ApiOperation({ summary: 'An import job: status, progress, row errors (its shop, admin)' })
  importJobStatus(@CurrentCaller() c: Caller, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', `/v1/catalog/manage/import/jobs/${segment(id)}`);
  }
}

@ApiTags('recommendations')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1')
export class RecommendationsApiController {
  constructor(private readonly relay: RecommenderRelay) {}

  @Post('interactions')
  @ApiOperation({ summary: 'Record a view, like, dislike, add_to_cart or purchase of an item' })
  interact(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/interactions');
  }

  @Get('interactions')
  interactions(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/interactions');
  }

  @Get('recommendations')
  @ApiOperation({ summary: 'Hybrid top-k for the caller, with per-stage contributions and reasons' })
  recommendations(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/recommendations');
  }

  @Get('recommendations/health')
  health(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/recommendations/health');
  }

  @Get('recommendations/metrics')
  @ApiOperation({
    summary: 'Latest offline evaluation (npm run eval:recs) as a table with ratios to popularity (admin)',
  })
  metrics(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/recommendations/metrics');
  }

  @Get('items/:id/similar')
  similar(@CurrentCaller() c: Caller, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', `/v1/items/${segment(id)}/similar`);
  }

  @Post('recommendation-tasks')
  @ApiOperation({ summary: 'Asynchronous recommendation task (worker over RabbitMQ); 202 with its id' })
  createTask(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/recommendation-tasks');
  }

  @Get('recommendation-tasks/:id')
  task(@CurrentCaller() c: Caller, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', `/v1/recommendation-tasks/${segment(id)}`);
  }

  @Get('style-profile')
  @ApiOperation({ summary: 'Style modes of the caller’s liked items (GMM, k by BIC)' })
  styleProfile(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/style-profile');
  }

  @Post('search/visual')
  @ApiOperation({ summary: 'Visual search from liked and disliked photos, with filters and explanations' })
  visualSearch(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/search/visual');
  }
}

@ApiTags('photos')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('v1/photos')
export class PhotosApiController {
  constructor(private readonly relay: RecommenderRelay) {}

  @Post()
  @ApiOperation({ summary: 'Upload a photo: the raw JPEG/PNG/WebP is the body; annotated asynchronously (202)' })
  upload(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/photos');
  }

  @Get()
  list(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', '/v1/photos');
  }

  @Post('process_batch')
  processBatch(@CurrentCaller() c: Caller, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'POST', '/v1/photos/process_batch');
  }

  @Get(':id')
  photo(@CurrentCaller() c: Caller, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', `/v1/photos/${segment(id)}`);
  }

  @Get(':id/image')
  photoImage(@CurrentCaller() c: Caller, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.relay.relay(c, req, res, 'GET', `/v1/photos/${segment(id)}/image`);
  }
}
