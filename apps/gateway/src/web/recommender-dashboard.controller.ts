import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { Public, type RequestWithCaller } from '../identity/caller';
import { recommenderDashboardPage } from './dashboard-pages';
import { errorPage } from './pages';
import { ShopReads } from './shop-reads';
import { recommenderErrorPage } from './shop-pages';
import { sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

/** `/admin/recommender`: index health and the latest offline metrics; like every admin route, 404 for others. */
@ApiExcludeController()
@Public()
@Controller('admin/recommender')
export class RecommenderDashboardController {
  constructor(
    private readonly web: WebSession,
    private readonly reads: ShopReads,
  ) {}

  @Get()
  async dashboard(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    // An expired session is not "not found": sign in again and come back.
    if (!caller) return redirectToLogin(req, res);
    if (caller.role !== 'admin') return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    try {
      const [health, report] = await Promise.all([this.reads.health(caller), this.reads.metrics(caller)]);
      sendPage(res, 200, recommenderDashboardPage(ctx, health, report));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const failed = recommenderErrorPage(ctx, err.getStatus(), err.body.error.code, err.body.error.message);
      sendPage(res, failed.status, failed.page);
    }
  }
}
