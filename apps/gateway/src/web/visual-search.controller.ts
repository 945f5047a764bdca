import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, type RequestWithCaller } from '../identity/caller';
import { StyleProfileReader } from './style-profile-reader';
import { styleProfilePage } from './style-profile-pages';
import { visualSearchPage } from './visual-search-pages';
import { sendPage } from './web.controller';
import { safeNext, WebSession } from './web-session';

/**
 * Visual search and the style profile for signed-in users. The visual search page's script talks to the JSON
 * API (/v1/photos, /v1/search/visual) itself; the style profile is read here and rendered on the server.
 */
@ApiExcludeController()
@Public()
@Controller()
export class VisualSearchWebController {
  constructor(
    private readonly web: WebSession,
    private readonly styleProfiles: StyleProfileReader,
  ) {}

  @Get('visual-search')
  async visualSearch(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    sendPage(res, 200, visualSearchPage(ctx));
  }

  @Get('style-profile')
  async styleProfile(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    const reading = await this.styleProfiles.read(caller);
    sendPage(res, reading ? 200 : 503, styleProfilePage(ctx, reading?.profile, reading?.items));
  }
}

function toLogin(req: RequestWithCaller, res: Response): void {
  res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
}
