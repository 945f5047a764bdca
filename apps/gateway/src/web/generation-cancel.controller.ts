import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { GenerationCancellations } from '../generations/generation-cancellations.service';
import { Public, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { errorPage } from './pages';
import { sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The progress page's "Cancel" button: a plain form post, back to the progress page with the outcome. */
@ApiExcludeController()
@Public()
@Controller()
export class GenerationCancelWebController {
  constructor(
    private readonly web: WebSession,
    private readonly csrf: CsrfTokens,
    private readonly cancellations: GenerationCancellations,
  ) {}

  @Post('app/tasks/:id/cancel')
  async cancel(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    try {
      this.csrf.assert(req, caller.sessionId ?? '', true);
    } catch {
      return sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
    }
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    let outcome = 'requested';
    try {
      await this.cancellations.cancel(caller.userId, id);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.getStatus() === 404) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
      // 409 already_terminal: the page shows how it ended.
      outcome = 'too-late';
    }
    res.redirect(303, `/app/tasks/${id}?cancel=${outcome}`);
  }
}
