import { Controller, Get, Param, Post, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { RecommenderClient } from '../recommender/recommender-client';
import {
  datingMatchesPage,
  datingProfilePage,
  formOf,
  GENDERS,
  type DatingProfile,
  type ExamplePhoto,
  type MatchedUser,
  type MatchQuery,
  type ProfileForm,
} from './dating-pages';
import type { MessageKey } from './i18n';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import { toLogin } from './shop.controller';
import { sendPage } from './web.controller';
import { WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface UploadedBlob {
  buffer: Buffer;
  mimetype: string;
  size: number;
}

const DATING_ERRORS = new Set([
  'age_out_of_range',
  'unknown_gender',
  'too_many_photos',
  'photo_not_owned',
  'unknown_filter',
  'not_found',
  'photo_not_annotated',
  'validation_failed',
]);

/** A field of a posted form or query: one string, or each of a repeated field. */
function field(source: unknown, key: string): string[] {
  const v = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[key] : undefined;
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
const one = (source: unknown, key: string) => field(source, key)[0];
const int = (s: string | undefined) => (s !== undefined && /^\s*-?\d{1,4}\s*$/.test(s) ? Number(s) : s);

/**
 * Dating pages (issue 18, seed 004): "my profile" (edit, photos, opt in/out, hide, block list) and "find matches".
 * Everything goes to the recommender as the signed caller (/v1/profiles, /v1/photos, /v1/search/visual with target
 * "profiles"), which validates and scopes it; its codes become messages next to the form.
 */
@ApiExcludeController()
@Public()
@Controller('dating')
export class DatingWebController {
  constructor(
    private readonly web: WebSession,
    private readonly csrf: CsrfTokens,
    private readonly recommender: RecommenderClient,
  ) {}

  @Get('profile')
  async profile(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const notice = (
      {
        saved: 'dating.saved',
        photo: 'dating.photoSaved',
        removed: 'dating.photoRemoved',
        blocked: 'dating.blocked',
      } as Record<string, MessageKey>
    )[done];
    await this.showProfile(res, s.caller, s.ctx, 200, { notice });
  }

  @Post('profile')
  async save(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    const form: ProfileForm = {
      display_name: one(req.body, 'display_name'),
      gender: one(req.body, 'gender'),
      age: one(req.body, 'age'),
      city: one(req.body, 'city'),
      seeking_genders: field(req.body, 'seeking_genders'),
      seeking_age_min: one(req.body, 'seeking_age_min'),
      seeking_age_max: one(req.body, 'seeking_age_max'),
      opted_in: one(req.body, 'opted_in') === 'on',
      hidden: one(req.body, 'hidden') === 'on',
    };
    try {
      const current = await this.current(s.caller);
      await this.recommender.json(s.caller, {
        method: 'PUT',
        path: '/v1/profiles/me',
        json: {
          ...form,
          age: int(form.age),
          seeking_age_min: int(form.seeking_age_min),
          seeking_age_max: int(form.seeking_age_max),
          photo_ids: current?.photo_ids ?? [],
        },
      });
      res.redirect(303, '/dating/profile?done=saved');
    } catch (err) {
      await this.showProfile(res, s.caller, s.ctx, 400, { form, error: this.message(s.ctx, err) });
    }
  }

  @Post('profile/photos')
  @UseInterceptors(FileInterceptor('file', { limits: { files: 1, fields: 5, parts: 8 } }))
  async upload(
    @UploadedFile() file: UploadedBlob | undefined,
    @Req() req: RequestWithCaller,
    @Res() res: Response,
  ): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    try {
      const current = await this.current(s.caller);
      if (!current) throw new ApiError(400, 'needProfile', 'no profile');
      if (!file?.size) throw new ApiError(400, 'file', 'no file');
      // The ordinary photo upload path: validated, re-encoded, annotated asynchronously.
      const photo = await this.recommender.json<{ id: string }>(s.caller, {
        method: 'POST',
        path: '/v1/photos',
        body: file.buffer,
        contentType: file.mimetype,
      });
      await this.recommender.json(s.caller, {
        method: 'PUT',
        path: '/v1/profiles/me',
        json: { ...this.writable(current), photo_ids: [...current.photo_ids, photo.id] },
      });
      res.redirect(303, '/dating/profile?done=photo');
    } catch (err) {
      await this.showProfile(res, s.caller, s.ctx, 400, { error: this.message(s.ctx, err) });
    }
  }

  @Post('profile/photos/:id/remove')
  async removePhoto(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    try {
      const current = await this.current(s.caller);
      if (current) {
        await this.recommender.json(s.caller, {
          method: 'PUT',
          path: '/v1/profiles/me',
          json: { ...this.writable(current), photo_ids: current.photo_ids.filter((p) => p !== id.toLowerCase()) },
        });
      }
      res.redirect(303, '/dating/profile?done=removed');
    } catch (err) {
      await this.showProfile(res, s.caller, s.ctx, 400, { error: this.message(s.ctx, err) });
    }
  }

  @Post('blocks')
  async block(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    const id = (one(req.body, 'user_id') ?? '').trim();
    if (!UUID.test(id) || id.toLowerCase() === s.caller.userId.toLowerCase()) {
      return this.showProfile(res, s.caller, s.ctx, 400, { error: s.ctx.t('dating.err.validation_failed') });
    }
    try {
      await this.recommender.json(s.caller, { method: 'PUT', path: `/v1/profiles/me/blocks/${id.toLowerCase()}` });
      // Back to the same search (its results without the blocked person), or to the profile's block list.
      const next = one(req.body, 'next') ?? '';
      res.redirect(303, /^\/dating\/matches(\?[^\\]*)?$/.test(next) ? next : '/dating/profile?done=blocked');
    } catch (err) {
      await this.showProfile(res, s.caller, s.ctx, 400, { error: this.message(s.ctx, err) });
    }
  }

  @Post('blocks/:id/remove')
  async unblock(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res, true);
    if (!s) return;
    if (UUID.test(id)) {
      await this.recommender
        .json(s.caller, { method: 'DELETE', path: `/v1/profiles/me/blocks/${id.toLowerCase()}` })
        .catch(() => undefined);
    }
    res.redirect(303, '/dating/profile');
  }

  @Get('matches')
  async matches(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const s = await this.enter(req, res);
    if (!s) return;
    const q = req.query;
    const query: MatchQuery = {
      genders: field(q, 'gender').filter((g) => (GENDERS as readonly string[]).includes(g)),
      ageMin: one(q, 'age_min') ?? '',
      ageMax: one(q, 'age_max') ?? '',
      city: (one(q, 'city') ?? '').slice(0, 80),
    };
    let examples: ExamplePhoto[];
    try {
      const { items } = await this.recommender.json<{ items: Array<{ id: string; purpose: string; status: string }> }>(
        s.caller,
        { method: 'GET', path: '/v1/photos', query: { limit: 40 } },
      );
      examples = items
        .filter((p) => p.purpose === 'query' && p.status === 'annotated')
        .map((p) => {
          const c = one(q, `ex-${p.id}`);
          return { id: p.id, choice: c === 'like' || c === 'dislike' ? c : 'ignore' };
        });
    } catch {
      return sendPage(res, 503, errorPage(s.ctx, s.ctx.t('dating.err.generic')));
    }
    if (one(q, 'run') !== '1') return sendPage(res, 200, datingMatchesPage(s.ctx, { examples, query }));
    const liked = examples.filter((e) => e.choice === 'like').map((e) => e.id);
    if (!liked.length) {
      return sendPage(res, 400, datingMatchesPage(s.ctx, { examples, query, error: s.ctx.t('dating.err.needLike') }));
    }
    const filters: Record<string, unknown> = {};
    if (query.genders.length) filters.gender = query.genders;
    if (query.ageMin.trim()) filters.age_min = int(query.ageMin);
    if (query.ageMax.trim()) filters.age_max = int(query.ageMax);
    if (query.city.trim()) filters.city = [query.city];
    try {
      const result = await this.recommender.json<{ matched_users: MatchedUser[] }>(s.caller, {
        method: 'POST',
        path: '/v1/search/visual',
        json: {
          target: 'profiles',
          positive_photo_ids: liked,
          negative_photo_ids: examples.filter((e) => e.choice === 'dislike').map((e) => e.id),
          ...(Object.keys(filters).length ? { filters } : {}),
          k: 20,
        },
      });
      sendPage(res, 200, datingMatchesPage(s.ctx, { examples, query, matched: result.matched_users }));
    } catch (err) {
      sendPage(res, 400, datingMatchesPage(s.ctx, { examples, query, error: this.message(s.ctx, err) }));
    }
  }

  private async current(caller: Caller): Promise<DatingProfile | undefined> {
    try {
      return await this.recommender.json<DatingProfile>(caller, { method: 'GET', path: '/v1/profiles/me' });
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() === 404) return undefined;
      throw err;
    }
  }

  private writable(p: DatingProfile) {
    return {
      display_name: p.display_name,
      gender: p.gender,
      age: p.age,
      city: p.city,
      seeking_genders: p.seeking_genders,
      seeking_age_min: p.seeking_age_min,
      seeking_age_max: p.seeking_age_max,
    };
  }

  private async showProfile(
    res: Response,
    caller: Caller,
    ctx: PageContext,
    status: number,
    extra: { form?: ProfileForm; error?: string; notice?: MessageKey },
  ): Promise<void> {
    try {
      const profile = await this.current(caller);
      const blocks = await this.recommender.json<{ items: Array<{ user_id: string }> }>(caller, {
        method: 'GET',
        path: '/v1/profiles/me/blocks',
      });
      sendPage(
        res,
        status,
        datingProfilePage(ctx, { profile, form: extra.form ?? formOf(profile), blocks: blocks.items, ...extra }),
      );
    } catch {
      sendPage(res, 503, errorPage(ctx, ctx.t('dating.err.generic')));
    }
  }

  /** The recommender's code as a sentence of the page's language. */
  private message(ctx: PageContext, err: unknown): string {
    if (!(err instanceof ApiError)) throw err;
    const code = err.body.error.code;
    if (code === 'needProfile') return ctx.t('dating.needProfile');
    if (code === 'file' || code === 'unsupported_media_type' || code === 'invalid_image') {
      return ctx.t('dating.err.file');
    }
    return DATING_ERRORS.has(code) ? ctx.t(`dating.err.${code}` as MessageKey) : ctx.t('dating.err.generic');
  }

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
