import {
  Controller,
  Get,
  Param,
  Post,
  Req,
  Res,
  UploadedFile,
  UseInterceptors,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { RecommenderClient } from '../recommender/recommender-client';
import { shopManageTranslator } from './i18n-shop-manage';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import {
  importJobPage,
  importPage,
  IMPORT_FIELDS,
  manageItemPage,
  manageListPage,
  zipPage,
  type EditErrors,
  type EditForm,
  type ImportJob,
  type ImportPreview,
  type ManagedItem,
  type ManagedList,
} from './shop-manage-pages';
import { recommenderErrorPage } from './shop-pages';
import { toLogin } from './shop.controller';
import { readForm, sendPage } from './web.controller';
import { WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What multer hands over for one uploaded file (memory storage). */
interface UploadedBlob {
  buffer: Buffer;
  originalname: string;
  mimetype: string;
  size: number;
}

/** One file field named `file` in memory plus text fields; the size limits come from MulterModule (web.module). */
const upload = (): Type<NestInterceptor> => FileInterceptor('file', { limits: { files: 1, fields: 60, parts: 70 } });

/**
 * Catalogue management for shops (and admins): the product list, edit / photo / delete, the import with preview,
 * column mapping and an asynchronous job, and photos by zip. Every change goes to the recommender as the caller,
 * which scopes it to the caller's shop (another shop's item is 403 there and here).
 */
@ApiExcludeController()
@Public()
@Controller('shop/manage')
export class ShopManageController {
  constructor(
    private readonly web: WebSession,
    private readonly csrf: CsrfTokens,
    private readonly recommender: RecommenderClient,
  ) {}

  @Get()
  async list(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    const page = Number(req.query.page ?? 1);
    const message = req.query.deleted === '1' ? shopManageTranslator(s.ctx.lang)('sm.deleted') : undefined;
    await this.render(res, s.ctx, async () => {
      const list = await this.recommender.json<ManagedList>(s.caller, {
        method: 'GET',
        path: '/v1/catalog/manage/items',
        query: { page: Number.isInteger(page) && page > 0 && page <= 10_000 ? page : 1, limit: 24 },
      });
      return manageListPage(s.ctx, list, message);
    });
  }

  @Get('items/:id')
  async item(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(s.ctx, s.ctx.t('shop.notFound')));
    const t = shopManageTranslator(s.ctx.lang);
    const message =
      req.query.saved === '1' ? t('sm.saved') : req.query.saved === 'photo' ? t('sm.photoSaved') : undefined;
    await this.render(res, s.ctx, async () =>
      manageItemPage(s.ctx, await this.owned(s.caller, id), undefined, undefined, message),
    );
  }

  @Post('items/:id')
  async edit(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(s.ctx, s.ctx.t('shop.notFound')));
    const raw = readForm(req.body, ['title', 'description', 'price', 'currency', 'category'] as const);
    if (!raw) return sendPage(res, 400, errorPage(s.ctx, s.ctx.t('error.generic')));
    const form: EditForm = {
      title: raw.title?.trim() ?? '',
      description: raw.description?.trim() ?? '',
      price: raw.price?.trim() ?? '',
      currency: raw.currency?.trim().toUpperCase() ?? '',
      category: raw.category?.trim() ?? '',
    };
    const t = shopManageTranslator(s.ctx.lang);
    // Every field's problem at once, next to its field.
    const errors: EditErrors = {};
    if (!form.title || form.title.length > 500) errors.title = t('sm.err.title');
    const price = form.price === '' ? null : Number(form.price.replace(',', '.'));
    if (
      price !== null &&
      (!Number.isFinite(price) || price < 0 || price > 1e12 || Math.round(price * 100) !== price * 100)
    ) {
      errors.price = t('sm.err.price');
    }
    if (!/^[A-Z]{3}$/.test(form.currency)) errors.currency = t('sm.err.currency');
    await this.render(res, s.ctx, async () => {
      const item = await this.owned(s.caller, id);
      if (Object.keys(errors).length) {
        res.status(400);
        return manageItemPage(s.ctx, item, form, errors);
      }
      await this.recommender.json(s.caller, {
        method: 'POST',
        path: `/v1/catalog/manage/items/${id}`,
        json: {
          title: form.title,
          description: form.description,
          price,
          currency: form.currency,
          categoryPath: form.category
            .split('>')
            .map((c) => c.trim())
            .filter(Boolean)
            .slice(0, 8),
        },
      });
      res.redirect(303, `/shop/manage/items/${id}?saved=1`);
      return undefined;
    });
  }

  @Post('items/:id/delete')
  async remove(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(s.ctx, s.ctx.t('shop.notFound')));
    await this.render(res, s.ctx, async () => {
      await this.recommender.json(s.caller, { method: 'DELETE', path: `/v1/catalog/manage/items/${id}` });
      res.redirect(303, '/shop/manage?deleted=1');
      return undefined;
    });
  }

  @Post('items/:id/photo')
  @UseInterceptors(upload())
  async photo(
    @Param('id') id: string,
    @UploadedFile() file: UploadedBlob | undefined,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(s.ctx, s.ctx.t('shop.notFound')));
    await this.render(res, s.ctx, async () => {
      const item = await this.owned(s.caller, id);
      if (!file?.size) {
        res.status(400);
        return manageItemPage(
          s.ctx,
          item,
          undefined,
          undefined,
          undefined,
          shopManageTranslator(s.ctx.lang)('sm.err.file'),
        );
      }
      await this.recommender.json(s.caller, {
        method: 'POST',
        path: `/v1/catalog/manage/items/${id}/image`,
        body: file.buffer,
        contentType: file.mimetype,
      });
      res.redirect(303, `/shop/manage/items/${id}?saved=photo`);
      return undefined;
    });
  }

  @Get('import')
  async importForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    sendPage(res, 200, importPage(s.ctx));
  }

  /** Reads the file (or the text carried by the preview form) and shows how it maps, with every row's errors. */
  @Post('import/preview')
  @UseInterceptors(upload())
  async preview(
    @UploadedFile() file: UploadedBlob | undefined,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    const input = readImport(req.body, file);
    const t = shopManageTranslator(s.ctx.lang);
    if (!input) return sendPage(res, 400, importPage(s.ctx, { failure: t('sm.err.file') }));
    try {
      const preview = await this.recommender.json<ImportPreview>(s.caller, {
        method: 'POST',
        path: '/v1/catalog/manage/import/preview',
        json: { format: input.format, text: input.text, ...(input.mapping ? { mapping: input.mapping } : {}) },
      });
      sendPage(res, 200, importPage(s.ctx, { preview, text: input.text, mode: input.mode }));
    } catch (err) {
      this.importFailure(res, s.ctx, err);
    }
  }

  /** Starts the job (202 from the recommender) and sends the browser to its status page. */
  @Post('import/start')
  @UseInterceptors(upload())
  async start(
    @UploadedFile() file: UploadedBlob | undefined,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    const input = readImport(req.body, file);
    const t = shopManageTranslator(s.ctx.lang);
    if (!input) return sendPage(res, 400, importPage(s.ctx, { failure: t('sm.err.file') }));
    try {
      const job = await this.recommender.json<ImportJob>(s.caller, {
        method: 'POST',
        path: '/v1/catalog/manage/import/jobs',
        json: {
          format: input.format,
          text: input.text,
          mode: input.mode ?? 'all',
          ...(input.mapping ? { mapping: input.mapping } : {}),
        },
      });
      res.redirect(303, `/shop/manage/import/jobs/${job.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() === 400 && input.mode !== 'skip') {
        // All-or-nothing with bad rows: the preview again, with the errors and the way forward.
        try {
          const preview = await this.recommender.json<ImportPreview>(s.caller, {
            method: 'POST',
            path: '/v1/catalog/manage/import/preview',
            json: { format: input.format, text: input.text, ...(input.mapping ? { mapping: input.mapping } : {}) },
          });
          const failure = t('imp.allBlocked', { count: preview.invalidRows });
          return sendPage(res, 400, importPage(s.ctx, { preview, text: input.text, failure, mode: input.mode }));
        } catch (again) {
          return this.importFailure(res, s.ctx, again);
        }
      }
      this.importFailure(res, s.ctx, err);
    }
  }

  @Get('import/jobs/:id')
  async job(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(s.ctx, s.ctx.t('shop.notFound')));
    await this.render(res, s.ctx, async () =>
      importJobPage(
        s.ctx,
        await this.recommender.json<ImportJob>(s.caller, {
          method: 'GET',
          path: `/v1/catalog/manage/import/jobs/${id}`,
        }),
      ),
    );
  }

  @Get('photos')
  async zipForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    sendPage(res, 200, zipPage(s.ctx));
  }

  @Post('photos')
  @UseInterceptors(upload())
  async zip(
    @UploadedFile() file: UploadedBlob | undefined,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    const t = shopManageTranslator(s.ctx.lang);
    if (!file?.size) return sendPage(res, 400, zipPage(s.ctx, { failure: t('sm.err.file') }));
    try {
      const done = await this.recommender.json<{ matched: number }>(s.caller, {
        method: 'POST',
        path: '/v1/catalog/manage/photos',
        body: file.buffer,
        contentType: 'application/zip',
      });
      sendPage(res, 200, zipPage(s.ctx, { matched: done.matched }));
    } catch (err) {
      if (!(err instanceof ApiError) || err.getStatus() >= 500) throw err;
      const { code, message } = err.body.error;
      sendPage(res, err.getStatus(), zipPage(s.ctx, { failure: t('sm.rejected', { message: `${code}: ${message}` }) }));
    }
  }

  /** The signed-in shop or admin (others: login or 403); with `post`, the CSRF token is checked too. */
  private async enter(
    req: RequestWithCaller,
    res: Response,
    post = false,
  ): Promise<{ caller: Caller; ctx: PageContext } | undefined> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) {
      toLogin(req, res);
      return undefined;
    }
    if (caller.role !== 'shop' && caller.role !== 'admin') {
      sendPage(res, 403, errorPage(ctx, shopManageTranslator(ctx.lang)('sm.onlyShops')));
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

  private async owned(caller: Caller, id: string): Promise<ManagedItem> {
    const item = await this.recommender.json<ManagedItem>(caller, { method: 'GET', path: `/v1/catalog/items/${id}` });
    if (caller.role !== 'admin' && item.shopId.toLowerCase() !== caller.userId.toLowerCase()) {
      throw new ApiError(403, 'forbidden', 'a shop manages only its own items');
    }
    return item;
  }

  private importFailure(res: Response, ctx: PageContext, err: unknown): void {
    if (!(err instanceof ApiError) || err.getStatus() >= 500) {
      const failed = recommenderErrorPage(
        ctx,
        err instanceof ApiError ? err.getStatus() : 502,
        'recommender_failed',
        '',
      );
      return sendPage(res, failed.status, failed.page);
    }
    const { message } = err.body.error;
    const t = shopManageTranslator(ctx.lang);
    sendPage(res, err.getStatus(), importPage(ctx, { failure: t('imp.badFile', { message: message.slice(0, 300) }) }));
  }

  /** Runs a read and sends its page (or nothing when it already answered); recommender errors become pages. */
  private async render(res: Response, ctx: PageContext, build: () => Promise<string | undefined>): Promise<void> {
    let page: string | undefined;
    try {
      page = await build();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.getStatus() === 403) {
        return sendPage(res, 403, errorPage(ctx, shopManageTranslator(ctx.lang)('sm.forbidden')));
      }
      const { code, message } = err.body.error;
      const failed = recommenderErrorPage(ctx, err.getStatus(), code, message);
      return sendPage(res, failed.status, failed.page);
    }
    if (page !== undefined) sendPage(res, res.statusCode === 400 ? 400 : 200, page);
  }
}

/** The import's text, format, mapping and mode from the multipart form (a new file wins over carried text). */
function readImport(
  body: unknown,
  file: UploadedBlob | undefined,
): { format: 'csv' | 'json'; text: string; mapping?: Record<string, string>; mode?: 'all' | 'skip' } | undefined {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string) : undefined);
  let text: string | undefined;
  let format: 'csv' | 'json' | undefined;
  if (file?.size) {
    text = file.buffer.toString('utf8');
    format = /\.json$/i.test(file.originalname) || file.mimetype === 'application/json' ? 'json' : 'csv';
  } else {
    text = str('text');
    format = str('format') === 'json' ? 'json' : str('format') === 'csv' ? 'csv' : undefined;
  }
  if (!text || !format) return undefined;
  const mode = str('mode') === 'skip' ? 'skip' : str('mode') === 'all' ? 'all' : undefined;
  // map.<i> names the field of the i-th column; the column names come from the file itself.
  let mapping: Record<string, string> | undefined;
  if (format === 'csv' && !file?.size) {
    const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    const columns = splitHeader(header);
    for (const [key, value] of Object.entries(fields)) {
      const m = /^map\.(\d{1,3})$/.exec(key);
      if (!m || typeof value !== 'string' || !(IMPORT_FIELDS as readonly string[]).includes(value)) continue;
      const column = columns[Number(m[1])];
      if (column !== undefined) (mapping ??= {})[column] = value;
    }
  }
  return { format, text, mapping, mode };
}

/** The header line's column names (quotes as in RFC 4180), trimmed like the recommender does. */
function splitHeader(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out;
}
