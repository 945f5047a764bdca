import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import type { Caller } from '../identity/caller';
import { RecommenderClient } from '../recommender/recommender-client';
import type { RecsEvalReport, RecommenderHealth } from './dashboard-pages';
import type {
  CatalogItem,
  ForYouList,
  InteractionKind,
  ItemStanding,
  ProductPageData,
  RecommendedItem,
  SearchAnswer,
  ShopFilters,
} from './shop-pages';

/** One item of the recommender's lists (`GET /v1/recommendations`, `GET /v1/items/{id}/similar`). */
interface Recommendation {
  itemId: string;
  title: string;
  reasons?: string[];
  relevanceRank?: number;
}

interface RecommendationAnswer {
  strategy: 'hybrid' | 'cold-start';
  items: Recommendation[];
  stages?: { diversification?: { promoted?: number } };
}

export const SEARCH_LIMIT = 24;
export const FOR_YOU_K = 12;
export const SIMILAR_K = 8;
/** The newest interactions read to show the caller's standing with an item. */
const STANDING_WINDOW = 500;

const notFound = (err: unknown) => err instanceof ApiError && err.getStatus() === HttpStatus.NOT_FOUND;

/**
 * What the shop pages read from the recommender, always as the signed-in caller: search, an item with the
 * caller's standing and its neighbours, "for you", the dashboard's health and offline metrics. Lists of item ids
 * are completed with the catalogue items (photo, price, category) read in parallel.
 */
@Injectable()
export class ShopReads {
  constructor(private readonly recommender: RecommenderClient) {}

  /** Ranked search, or with filters / sort / page a browse (the recommender validates every parameter). */
  search(caller: Caller, q: string, filters: ShopFilters = {}): Promise<SearchAnswer> {
    return this.recommender.json<SearchAnswer>(caller, {
      method: 'GET',
      path: '/v1/catalog/search',
      query: { ...(q ? { q } : {}), limit: SEARCH_LIMIT, ...filters },
    });
  }

  /** The item (404 from the recommender when unknown), the caller's standing and the similar items. */
  async product(caller: Caller, id: string): Promise<ProductPageData> {
    const item = await this.item(caller, id);
    const [standing, similar] = await Promise.all([this.standing(caller, id), this.similar(caller, id)]);
    return { item, standing, similar };
  }

  async forYou(caller: Caller): Promise<ForYouList> {
    const answer = await this.recommender.json<RecommendationAnswer>(caller, {
      method: 'GET',
      path: '/v1/recommendations',
      query: { k: FOR_YOU_K },
    });
    return {
      strategy: answer.strategy,
      items: await this.withItems(caller, answer.items),
      promoted: answer.stages?.diversification?.promoted,
    };
  }

  async record(caller: Caller, itemId: string, kind: InteractionKind): Promise<void> {
    await this.recommender.json(caller, { method: 'POST', path: '/v1/interactions', json: { itemId, kind } });
  }

  health(caller: Caller): Promise<RecommenderHealth> {
    return this.recommender.json<RecommenderHealth>(caller, { method: 'GET', path: '/v1/recommendations/health' });
  }

  /** The latest offline evaluation, undefined while none was written (`no_report`). */
  async metrics(caller: Caller): Promise<RecsEvalReport | undefined> {
    try {
      return await this.recommender.json<RecsEvalReport>(caller, {
        method: 'GET',
        path: '/v1/recommendations/metrics',
      });
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  private item(caller: Caller, id: string): Promise<CatalogItem> {
    return this.recommender.json<CatalogItem>(caller, {
      method: 'GET',
      path: `/v1/catalog/items/${encodeURIComponent(id)}`,
    });
  }

  /** The caller's latest like or dislike of the item, and whether it went to the cart. */
  private async standing(caller: Caller, id: string): Promise<ItemStanding> {
    const { items } = await this.recommender.json<{ items: Array<{ itemId: string; kind: string }> }>(caller, {
      method: 'GET',
      path: '/v1/interactions',
      query: { limit: STANDING_WINDOW },
    });
    const mine = items.filter((i) => i.itemId === id);
    // Newest first: the first like/dislike is the standing verdict.
    const verdict = mine.find((i) => i.kind === 'like' || i.kind === 'dislike')?.kind as ItemStanding['verdict'];
    return { verdict, inCart: mine.some((i) => i.kind === 'add_to_cart') };
  }

  /** Undefined while the recommender has not indexed the item (a new item between model rebuilds). */
  private async similar(caller: Caller, id: string): Promise<RecommendedItem[] | undefined> {
    try {
      const answer = await this.recommender.json<{ items: Recommendation[] }>(caller, {
        method: 'GET',
        path: `/v1/items/${encodeURIComponent(id)}/similar`,
        query: { k: SIMILAR_K },
      });
      return await this.withItems(caller, answer.items);
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  /** Each listed item with its catalogue entry; an item that cannot be read keeps its title only. */
  private withItems(caller: Caller, list: Recommendation[]): Promise<RecommendedItem[]> {
    return Promise.all(
      list.map(async (r) => ({
        itemId: r.itemId,
        title: r.title,
        reasons: r.reasons ?? [],
        relevanceRank: r.relevanceRank,
        item: await this.item(caller, r.itemId).catch(() => undefined),
      })),
    );
  }
}
