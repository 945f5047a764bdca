import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { RecommenderClient } from '../recommender/recommender-client';
import type { CatalogItem } from './shop-pages';
import { StyleProfileReader } from './style-profile-reader';
import { styleProfilePage } from './style-profile-pages';
import { visualSearchPage } from './visual-search-pages';
import { likedExamples } from './visual-search-results-pages';
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
    private readonly recommender: RecommenderClient,
  ) {}

  @Get('visual-search')
  async visualSearch(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    // Liked shop items can be examples too (a server-rendered form); without the recommender, the uploads remain.
    const liked = await likedItems(this.recommender, caller).catch(() => undefined);
    sendPage(res, 200, visualSearchPage(ctx, liked ? likedExamples(ctx, liked) : ''));
  }

  @Get('style-profile')
  async styleProfile(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return toLogin(req, res);
    const reading = await this.styleProfiles.read(caller);
    sendPage(res, reading ? 200 : 503, styleProfilePage(ctx, reading?.profile, reading?.items));
  }
}

/** The caller's items whose latest verdict is a like, newest first (at most 12), with their catalogue entries. */
async function likedItems(recommender: RecommenderClient, caller: Caller): Promise<CatalogItem[]> {
  const { items } = await recommender.json<{ items: Array<{ itemId: string; kind: string }> }>(caller, {
    method: 'GET',
    path: '/v1/interactions',
    query: { limit: 500 },
  });
  const verdicts = new Map<string, string>();
  for (const i of items)
    if ((i.kind === 'like' || i.kind === 'dislike') && !verdicts.has(i.itemId)) verdicts.set(i.itemId, i.kind);
  const ids = [...verdicts]
    .filter(([, kind]) => kind === 'like')
    .map(([id]) => id)
    .slice(0, 12);
  const read = await Promise.all(
    ids.map((id) =>
      recommender
        .json<CatalogItem>(caller, { method: 'GET', path: `/v1/catalog/items/${encodeURIComponent(id)}` })
        .catch(() => undefined),
    ),
  );
  return read.filter((i): i is CatalogItem => i !== undefined && i.imageUrl !== null);
}

function toLogin(req: RequestWithCaller, res: Response): void {
  res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
}
