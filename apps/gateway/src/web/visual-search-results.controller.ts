import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { Public, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { RecommenderClient } from '../recommender/recommender-client';
import { shopManageTranslator } from './i18n-shop-manage';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import { recommenderErrorPage } from './shop-pages';
import { toLogin } from './shop.controller';
import {
  parseQuery,
  savedSearchesPage,
  visualResultsPage,
  type SavedSearch,
  type VisualAnswer,
  type VisualQuery,
} from './visual-search-results-pages';
import { readForm, sendPage } from './web.controller';
import { WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Visual-search results as pages: a query in the URL (from the liked-items form, or the script's "open as a
 * page"), each match with its product; saving, listing, rerunning and deleting searches. All without JavaScript.
 */
@ApiExcludeController()
@Public()
@Controller('visual-search')
export class VisualSearchResultsController {
  constructor(
    private readonly web: WebSession,
    private readonly csrf: CsrfTokens,
    private readonly recommender: RecommenderClient,
  ) {}

  @Get('results')
  async results(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    const query = parseQuery(new URL(req.originalUrl, 'http://gateway').searchParams);
    const t = shopManageTranslator(ctx.lang);
    if (!query) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    if (!query.positive_photo_ids?.length && !query.positive_item_ids?.length) {
      return sendPage(res, 400, errorPage(ctx, t('vsr.needLike')));
    }
    await this.render(res, ctx, async () => {
      const answer = await this.recommender.json<VisualAnswer>(caller, {
        method: 'POST',
        path: '/v1/search/visual',
        json: query,
      });
      return visualResultsPage(ctx, query, answer);
    });
  }

  @Get('saved')
  async saved(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    const t = shopManageTranslator(ctx.lang);
    const message =
      req.query.saved === '1' ? t('vsr.savedOk') : req.query.deleted === '1' ? t('vsr.deleted') : undefined;
    await this.render(res, ctx, async () => {
      const { items } = await this.recommender.json<{ items: SavedSearch[] }>(caller, {
        method: 'GET',
        path: '/v1/search/visual/saved',
      });
      return savedSearchesPage(ctx, items, message);
    });
  }

  @Post('saved')
  async save(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    if (!this.csrfOk(req, caller.sessionId)) return sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
    const name = readForm(req.body, ['name'] as const)?.name?.trim();
    // The query travels as the form's hidden fields, in the same shape as the results URL.
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
      if (key === 'name' || key === '_csrf') continue;
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') params.append(key, v);
    }
    const query = parseQuery(params);
    if (!name || name.length > 100 || !query) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    await this.render(res, ctx, async () => {
      await this.recommender.json(caller, {
        method: 'POST',
        path: '/v1/search/visual/saved',
        json: { name, query },
      });
      res.redirect(303, '/visual-search/saved?saved=1');
      return undefined;
    });
  }

  @Get('saved/:id')
  async rerun(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(ctx, ctx.t('shop.notFound')));
    await this.render(res, ctx, async () => {
      const { saved, result } = await this.recommender.json<{ saved: SavedSearch; result: VisualAnswer }>(caller, {
        method: 'POST',
        path: `/v1/search/visual/saved/${id}/run`,
      });
      return visualResultsPage(ctx, saved.query as VisualQuery, result, saved);
    });
  }

  @Post('saved/:id/delete')
  async remove(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    if (!this.csrfOk(req, caller.sessionId)) return sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(ctx, ctx.t('shop.notFound')));
    await this.render(res, ctx, async () => {
      await this.recommender.json(caller, { method: 'DELETE', path: `/v1/search/visual/saved/${id}` });
      res.redirect(303, '/visual-search/saved?deleted=1');
      return undefined;
    });
  }

  private csrfOk(req: RequestWithCaller, sessionId: string | undefined): boolean {
    try {
      this.csrf.assert(req, sessionId ?? '', true);
      return true;
    } catch {
      return false;
    }
  }

  private async render(res: Response, ctx: PageContext, build: () => Promise<string | undefined>): Promise<void> {
    let page: string | undefined;
    try {
      page = await build();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, message } = err.body.error;
      if (code === 'photo_not_annotated') {
        return sendPage(res, 409, errorPage(ctx, shopManageTranslator(ctx.lang)('vsr.notReady')));
      }
      const failed = recommenderErrorPage(ctx, err.getStatus(), code, message);
      return sendPage(res, failed.status, failed.page);
    }
    if (page !== undefined) sendPage(res, 200, page);
  }
}
