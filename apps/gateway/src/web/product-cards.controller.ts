import { randomUUID } from 'node:crypto';
import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { AccountOverview } from '../account/account-overview.service';
import { CreateGenerationBatchDto, MAX_BATCH_ITEMS } from '../generations/create-generation.dto';
import { GenerationBatches } from '../generation-batches/generation-batches.service';
import { CsrfTokens } from '../identity/csrf-tokens';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { RecommenderClient } from '../recommender/recommender-client';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import { batchPage, productCardsPage, type ChoosableItem, type ProductCardsForm } from './product-cards-pages';
import { sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/u;

/**
 * `/studio/products`: a shop chooses items of its own catalogue (search, tick) and gets one creative per item (a
 * batch); `/studio/batches/{id}`: the batch's progress, each card, and the zip. Forms work without JavaScript.
 */
@ApiExcludeController()
@Public()
@Controller('studio')
export class ProductCardsController {
  constructor(
    private readonly web: WebSession,
    private readonly csrf: CsrfTokens,
    private readonly recommender: RecommenderClient,
    private readonly batches: GenerationBatches,
    private readonly overview: AccountOverview,
  ) {}

  @Get('products')
  async choose(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    await this.render(res, s, 200, { q, idempotencyKey: randomUUID() });
  }

  @Post('products')
  async submit(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const raw = body.itemIds;
    const chosen = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
      (v): v is string => typeof v === 'string',
    );
    const form: ProductCardsForm = {
      prompt: text(body.prompt)?.slice(0, 2000),
      platform: text(body.platform),
      chosen,
      idempotencyKey: KEY.test(text(body.idempotencyKey) ?? '') ? (text(body.idempotencyKey) as string) : randomUUID(),
    };
    const t = s.ctx.t;
    if (chosen.length === 0) return this.render(res, s, 400, form, t('pc.err.none'));
    if (chosen.length > MAX_BATCH_ITEMS) {
      return this.render(res, s, 400, form, t('pc.err.tooMany', { max: MAX_BATCH_ITEMS }));
    }
    const dto = plainToInstance(CreateGenerationBatchDto, {
      itemIds: chosen,
      ...(form.prompt?.trim() ? { prompt: form.prompt.trim() } : {}),
      ...(form.platform ? { platform: form.platform } : {}),
    });
    if (validateSync(dto).length > 0) return this.render(res, s, 400, form, t('pc.err.item'));
    try {
      const { id } = await this.batches.submit(s.caller, dto, form.idempotencyKey);
      res.redirect(303, `/studio/batches/${id}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.getStatus() >= 500) throw err;
      const { code, message, details } = err.body.error;
      const d = (details ?? {}) as { needed?: number; left?: number };
      const why =
        code === 'quota_exceeded'
          ? t('pc.err.quota', { needed: d.needed ?? chosen.length, left: d.left ?? 0 })
          : code === 'item_not_found'
            ? t('pc.err.item')
            : code.startsWith('item_')
              ? t('pc.err.photo', { message })
              : t('pc.err.other', { message: `${code}: ${message}` });
      // A refused batch started nothing: the same form comes back with a fresh key.
      return this.render(res, s, err.getStatus(), { ...form, idempotencyKey: randomUUID() }, why);
    }
  }

  @Get('batches/:id')
  async batch(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    const view = await this.batches.view(s.caller.userId, id);
    if (!view) return sendPage(res, 404, errorPage(s.ctx, s.ctx.t('shop.notFound')));
    sendPage(res, 200, batchPage(s.ctx, view));
  }

  private async render(
    res: Response,
    s: { caller: Caller; ctx: PageContext },
    status: number,
    form: ProductCardsForm,
    error?: string,
  ): Promise<void> {
    const q = (form.q ?? '').trim().toLowerCase();
    const [list, billing, recent] = await Promise.all([
      this.recommender.json<{ items: ChoosableItem[] }>(s.caller, {
        method: 'GET',
        path: '/v1/catalog/manage/items',
        query: { page: 1, limit: 100 },
      }),
      this.overview.billing(s.caller.userId),
      this.batches.list(s.caller.userId, 5),
    ]);
    const items = q ? list.items.filter((i) => i.title.toLowerCase().includes(q)) : list.items;
    const left = billing
      ? Math.max(0, billing.usage.monthlyImages - billing.usage.committed - billing.usage.reserved)
      : undefined;
    sendPage(res, status, productCardsPage(s.ctx, items, form, left, recent, error));
  }

  /** The signed-in shop or admin (others: login or 403); with `post`, the CSRF token is checked too. */
  private async enter(
    req: RequestWithCaller,
    res: Response,
    post = false,
  ): Promise<{ caller: Caller; ctx: PageContext } | undefined> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) {
      redirectToLogin(req, res);
      return undefined;
    }
    if (caller.role !== 'shop' && caller.role !== 'admin') {
      sendPage(res, 403, errorPage(ctx, ctx.t('pc.onlyShops')));
      return undefined;
    }
    if (post) {
      try {
        this.csrf.assert(req, caller.sessionId ?? '', true);
      } catch {
        sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
        return undefined;
      }
    }
    return { caller, ctx };
  }
}
