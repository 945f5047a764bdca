import { Controller, Get, HttpStatus, Param, Post, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { BrandProfile } from '@atelier/contracts';
import { ApiError } from '@atelier/service-kit';
import { BrandKits, type BrandKitFields, type LogoChange } from '../brand-profiles/brand-kits.service';
import { LOGO_UPLOAD_OPTIONS, type UploadedLogo } from '../brand-profiles/brand-profiles.controller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { brandKitFormPage, brandKitListPage, formOf, type BrandKitForm } from './brand-kit-pages';
import { knownKey } from './i18n';
import type { PageContext } from './layout';
import { errorPage, type FieldErrors } from './pages';
import { readForm, sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
const HEX = /^#[0-9a-fA-F]{6}$/u;
const FORM_FIELDS = [
  'name',
  'palette',
  'headlineFont',
  'bodyFont',
  'toneWords',
  'bannedWords',
  'isDefault',
  'removeLogo',
] as const;
/** Which form field an error code of the API belongs next to. */
const FIELD_OF_CODE: Readonly<Record<string, string>> = {
  unknown_font: 'headlineFont',
  logo_too_large: 'logo',
  logo_not_image: 'logo',
  logo_dimensions: 'logo',
  brand_profile_exists: 'name',
};

const list = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/[,;\n]/u)
    .map((w) => w.trim())
    .filter(Boolean);

/**
 * `/brand-profiles`: list, create, edit and delete brand kits (palette, fonts, logo, tone and banned words), server-
 * rendered, forms without JavaScript (multipart for the logo). The enhancer owns the profiles; logos go through the
 * same checks as the API's.
 */
@ApiExcludeController()
@Public()
@Controller('brand-profiles')
export class BrandKitsWebController {
  constructor(
    private readonly web: WebSession,
    private readonly kits: BrandKits,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get()
  async list(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const done = req.query.done;
    const notice = done === 'saved' ? ctx.t('brand.saved') : done === 'deleted' ? ctx.t('brand.deleted') : undefined;
    try {
      const { profiles, limit } = await this.kits.list(caller.userId);
      sendPage(res, 200, brandKitListPage(ctx, profiles, limit, notice));
    } catch {
      sendPage(res, 503, errorPage(ctx, ctx.t('brand.err.unavailable')));
    }
  }

  @Get('new')
  async newForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    sendPage(res, 200, brandKitFormPage(ctx, {}, {}));
  }

  @Post()
  @UseInterceptors(FileInterceptor('logo', LOGO_UPLOAD_OPTIONS))
  async create(
    @Req() req: RequestWithCaller,
    @Res() res: Response,
    @UploadedFile() file: UploadedLogo | undefined,
  ): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, FORM_FIELDS) ?? {};
    const fields = this.check(ctx, form);
    if ('errors' in fields) return sendPage(res, 400, brandKitFormPage(ctx, form, fields.errors));
    try {
      await this.kits.create(caller.userId, fields, file && file.size > 0 ? file.buffer : undefined);
      res.redirect(303, '/brand-profiles?done=saved');
    } catch (err) {
      this.refused(err, ctx, res, form);
    }
  }

  @Get(':id/edit')
  async editForm(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const profile = await this.owned(caller, id, ctx, res);
    if (profile) sendPage(res, 200, brandKitFormPage(ctx, formOf(profile), {}, profile));
  }

  @Get(':id/logo')
  async logo(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const png = UUID.test(id) ? await this.kits.logo(caller.userId, id).catch(() => undefined) : undefined;
    if (!png) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    res.status(200).set({ 'content-type': 'image/png', 'cache-control': 'private, no-cache' }).send(png);
  }

  @Post(':id')
  @UseInterceptors(FileInterceptor('logo', LOGO_UPLOAD_OPTIONS))
  async update(
    @Param('id') id: string,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
    @UploadedFile() file: UploadedLogo | undefined,
  ): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const profile = await this.owned(caller, id, ctx, res);
    if (!profile) return;
    const form = readForm(req.body, FORM_FIELDS) ?? {};
    const fields = this.check(ctx, form);
    if ('errors' in fields) return sendPage(res, 400, brandKitFormPage(ctx, form, fields.errors, profile));
    const logo: LogoChange =
      file && file.size > 0 ? { bytes: file.buffer } : form.removeLogo === 'on' ? { remove: true } : { keep: true };
    try {
      await this.kits.update(caller.userId, profile.id, fields, logo);
      res.redirect(303, '/brand-profiles?done=saved');
    } catch (err) {
      this.refused(err, ctx, res, form, profile);
    }
  }

  @Post(':id/delete')
  async remove(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const profile = await this.owned(caller, id, ctx, res);
    if (!profile) return;
    try {
      await this.kits.delete(caller.userId, profile.id);
      res.redirect(303, '/brand-profiles?done=deleted');
    } catch {
      sendPage(res, 503, errorPage(ctx, ctx.t('brand.err.unavailable')));
    }
  }

  /** Every problem of the form at once, each next to its field (the enhancer checks again). */
  private check(ctx: PageContext, form: BrandKitForm): BrandKitFields | { errors: FieldErrors } {
    const errors: FieldErrors = {};
    const name = (form.name ?? '').trim();
    if (!name || name.length > 80) errors.name = [ctx.t('brand.err.name')];
    const palette = list(form.palette).map((c) => (c.startsWith('#') ? c : `#${c}`).toUpperCase());
    if (palette.length > 0 && (palette.length < 2 || palette.length > 6 || palette.some((c) => !HEX.test(c)))) {
      errors.palette = [ctx.t('brand.err.palette')];
    }
    const toneWords = list(form.toneWords);
    const bannedWords = list(form.bannedWords);
    const tooMany = (ws: string[]) => ws.length > 20 || ws.some((w) => w.length > 40);
    if (tooMany(toneWords)) errors.toneWords = [ctx.t('brand.err.words')];
    if (tooMany(bannedWords)) errors.bannedWords = [ctx.t('brand.err.words')];
    if (Object.keys(errors).length > 0) return { errors };
    const headline = (form.headlineFont ?? '').trim();
    const body = (form.bodyFont ?? '').trim();
    return {
      name,
      styleShort: '',
      styleWords: [],
      palette,
      moodWords: toneWords,
      bannedWords,
      composition: '',
      isDefault: form.isDefault === 'on',
      // Body alone means the headline keeps the studio's default.
      fonts: headline ? (body ? [headline, body] : [headline]) : body ? ['Roboto', body] : [],
    };
  }

  /** An API refusal shown on the form next to its field, with its status (4xx); anything else is 503. */
  private refused(err: unknown, ctx: PageContext, res: Response, form: BrandKitForm, existing?: BrandProfile): void {
    if (!(err instanceof ApiError) || err.getStatus() >= 500) {
      return sendPage(res, 503, brandKitFormPage(ctx, form, {}, existing, ctx.t('brand.err.unavailable')));
    }
    const code = err.body.error.code;
    const message = ctx.t(knownKey(`brand.err.${code}`) ?? 'brand.err.invalid');
    const field = FIELD_OF_CODE[code];
    const errors: FieldErrors = field ? { [field]: [message] } : {};
    sendPage(res, err.getStatus(), brandKitFormPage(ctx, form, errors, existing, field ? undefined : message));
  }

  private async owned(caller: Caller, id: string, ctx: PageContext, res: Response): Promise<BrandProfile | undefined> {
    try {
      const profile = UUID.test(id) ? await this.kits.find(caller.userId, id) : undefined;
      if (!profile) sendPage(res, HttpStatus.NOT_FOUND, errorPage(ctx, ctx.t('error.notFound')));
      return profile;
    } catch {
      sendPage(res, 503, errorPage(ctx, ctx.t('brand.err.unavailable')));
      return undefined;
    }
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
