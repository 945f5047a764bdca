import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { validate } from 'class-validator';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { GenerationGalleryRepository } from '../gallery/generation-gallery.repository';
import { HISTORY_FIELDS, parseHistoryFilters, type HistoryField } from '../gallery/history-filters';
import { repeatRequest } from '../gallery/regeneration';
import { GenerationReadModelRepository, type GenerationRow } from '../generations/generation-read-model.repository';
import { GenerationRequests } from '../generations/generation-requests.service';
import { toPage, toView } from '../generations/generation-view';
import { IDEMPOTENCY_KEY } from '../http/idempotency-key';
import { decodeCursor, type Cursor } from '../http/pagination';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { deleteConfirmPage, historyPage, type HistorySearch } from './gallery-pages';
import type { MessageKey } from './i18n';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import { readForm, sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAGE = 20;

const FIELD_ERRORS: Record<HistoryField, MessageKey> = {
  q: 'gallery.err.q',
  platform: 'gallery.err.platform',
  status: 'gallery.err.status',
  from: 'gallery.err.date',
  to: 'gallery.err.date',
};

/** The gallery's pages: history search, repeat / variations, deletion, and the no-JavaScript progress follow-up. */
@ApiExcludeController()
@Public()
@Controller('app')
export class GalleryWebController {
  constructor(
    private readonly web: WebSession,
    private readonly csrf: CsrfTokens,
    private readonly readModel: GenerationReadModelRepository,
    private readonly gallery: GenerationGalleryRepository,
    private readonly requests: GenerationRequests,
  ) {}

  /** `/app/history?q=&platform=&status=&from=&to=&cursor=`: a GET form, so results are linkable and work without JS. */
  @Get('history')
  async history(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const query = req.query as Record<string, unknown>;
    const { filters, problems } = parseHistoryFilters(query);
    const raw: HistorySearch['raw'] = {};
    for (const f of HISTORY_FIELDS) {
      const v = query[f];
      if (typeof v === 'string') raw[f] = v.slice(0, 200);
    }
    const errors: HistorySearch['errors'] = {};
    for (const f of Object.keys(problems) as HistoryField[]) {
      errors[f] = ctx.t(f === 'to' && filters.to ? 'gallery.err.range' : FIELD_ERRORS[f]);
    }
    let cursor: Cursor | undefined;
    const rawCursor = query.cursor;
    if (rawCursor !== undefined) {
      try {
        if (typeof rawCursor !== 'string') throw new Error('cursor repeated');
        cursor = decodeCursor(rawCursor);
      } catch {
        return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
      }
    }
    const search: HistorySearch = { raw, filters, errors };
    const notice = query.deleted === '1' ? ctx.t('gallery.deleted') : undefined;
    if (Object.keys(errors).length > 0) {
      // Nothing is searched with a malformed filter: the form comes back with each problem next to its field.
      return sendPage(res, 400, historyPage(ctx, { items: [], nextCursor: null }, search));
    }
    const rows = await this.gallery.search(caller.userId, filters, PAGE + 1, cursor);
    sendPage(res, 200, historyPage(ctx, toPage(rows, PAGE), search, notice));
  }

  /** Without JavaScript the progress page reloads here every few seconds: the result once it is ready. */
  @Get('tasks/:id/next')
  async next(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const row = await this.owned(caller, id);
    if (!row) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    res.redirect(303, row.status === 'completed' ? `/app/requests/${id}` : `/app/tasks/${id}`);
  }

  /** Repeat (same seed) or variations (new seeds) through the normal submission: validation, quota, key. */
  @Post('requests/:id/again')
  async again(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const row = await this.owned(caller, id);
    if (!row) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    const form = readForm(req.body, ['mode', 'idempotencyKey'] as const);
    const mode = form?.mode;
    if (mode !== 'same' && mode !== 'variations') return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    const dto = repeatRequest(row, mode);
    // A stored request passed these checks once; a limit may have changed since.
    if ((await validate(dto, { whitelist: true, forbidNonWhitelisted: true })).length > 0) {
      return sendPage(res, 422, errorPage(ctx, ctx.t('error.generic')));
    }
    const key = form?.idempotencyKey && IDEMPOTENCY_KEY.test(form.idempotencyKey) ? form.idempotencyKey : undefined;
    try {
      const created = await this.requests.submit(caller.userId, dto, key);
      res.redirect(303, `/app/tasks/${created.id}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const status = err.getStatus();
      sendPage(res, status, errorPage(ctx, status === 409 ? ctx.t('studio.alreadySent') : err.body.error.message));
    }
  }

  /** The confirm step (also without JavaScript). */
  @Get('requests/:id/delete')
  async confirmDelete(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const row = await this.owned(caller, id);
    if (!row) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    sendPage(res, 200, deleteConfirmPage(ctx, toView(row, [])));
  }

  @Post('requests/:id/delete')
  async delete(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    if (!UUID.test(id) || !(await this.gallery.delete(id, caller.userId))) {
      return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    }
    res.redirect(303, '/app/history?deleted=1');
  }

  private async owned(caller: Caller, id: string): Promise<GenerationRow | undefined> {
    return UUID.test(id) ? this.readModel.findOwned(id, caller.userId) : undefined;
  }

  private csrfOk(req: RequestWithCaller, caller: Caller, ctx: PageContext, res: Response): boolean {
    try {
      this.csrf.assert(req, caller.sessionId ?? '', true);
      return true;
    } catch {
      sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
      return false;
    }
  }
}
