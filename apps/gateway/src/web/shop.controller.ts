import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { Public, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import { ShopReads } from './shop-reads';
import {
  forYouPage,
  productPage,
  recommenderErrorPage,
  shopSearchPage,
  SHOP_FILTERS,
  WEB_INTERACTIONS,
  type ShopFilters,
  type InteractionKind,
} from './shop-pages';
import { readForm, sendPage } from './web.controller';
import { safeNext, WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_QUERY = 200;

const isInteraction = (v: unknown): v is InteractionKind =>
  typeof v === 'string' && (WEB_INTERACTIONS as readonly string[]).includes(v);

/**
 * The shop for signed-in visitors: catalogue search, product pages with like / dislike, and
 * "for you". Every read goes to the recommender as the caller; its errors become the gateway's error page.
 */
@ApiExcludeController()
@Public()
@Controller('shop')
export class ShopController {
  constructor(
    private readonly web: WebSession,
    private readonly reads: ShopReads,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get()
  async search(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    const raw = req.query.q;
    const filters: ShopFilters = {};
    for (const name of SHOP_FILTERS) {
      const value = req.query[name];
      if (typeof value === 'string' && value.trim() !== '' && value.length <= 100) filters[name] = value.trim();
    }
    const browsing = Object.keys(filters).length > 0;
    if (raw === undefined && !browsing) return sendPage(res, 200, shopSearchPage(ctx, ''));
    const q = typeof raw === 'string' ? raw.trim() : '';
    if (browsing && q.length <= MAX_QUERY) {
      await this.render(res, ctx, async () =>
        shopSearchPage(ctx, q, await this.reads.search(caller, q, filters), false, filters),
      );
      return;
    }
    if (q.length === 0 || q.length > MAX_QUERY) {
      return sendPage(
        res,
        400,
        shopSearchPage(ctx, typeof raw === 'string' ? raw.slice(0, MAX_QUERY) : '', undefined, true),
      );
    }
    await this.render(res, ctx, async () => shopSearchPage(ctx, q, await this.reads.search(caller, q)));
  }

  @Get('for-you')
  async forYou(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    await this.render(res, ctx, async () => forYouPage(ctx, await this.reads.forYou(caller)));
  }

  @Get('items/:id')
  async item(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(ctx, ctx.t('shop.notFound')));
    const saved = isInteraction(req.query.saved) ? req.query.saved : undefined;
    await this.render(res, ctx, async () => productPage(ctx, { ...(await this.reads.product(caller, id)), saved }));
  }

  /** The no-JavaScript path of like / dislike (the script posts to /v1/interactions instead). */
  @Post('items/:id/interactions')
  async interact(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    try {
      this.csrf.assert(req, caller.sessionId ?? '', true);
    } catch {
      return sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
    }
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(ctx, ctx.t('shop.notFound')));
    const kind = readForm(req.body, ['kind'] as const)?.kind;
    if (!isInteraction(kind)) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    await this.render(res, ctx, async () => {
      await this.reads.record(caller, id, kind);
      res.redirect(303, `/shop/items/${id}?saved=${kind}`);
      return undefined;
    });
  }

  /** Runs a read and sends its page (or nothing when it already answered); recommender errors become pages. */
  private async render(res: Response, ctx: PageContext, build: () => Promise<string | undefined>): Promise<void> {
    let page: string | undefined;
    try {
      page = await build();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, message } = err.body.error;
      const failed = recommenderErrorPage(ctx, err.getStatus(), code, message);
      return sendPage(res, failed.status, failed.page);
    }
    if (page !== undefined) sendPage(res, 200, page);
  }
}

export function toLogin(req: RequestWithCaller, res: Response): void {
  res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
}
