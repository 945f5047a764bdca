import { Injectable } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import type { Caller } from '../identity/caller';
import { RecommenderClient } from '../recommender/recommender-client';
import type { ExampleItem, StyleProfileAnswer } from './style-profile-pages';

export interface StyleProfileReading {
  profile: StyleProfileAnswer;
  /** The modes' example items that the catalogue returned, by id. */
  items: Record<string, ExampleItem>;
}

/** The caller's style profile from the recommender, with the titles and photos of its example items. */
@Injectable()
export class StyleProfileReader {
  constructor(private readonly recommender: RecommenderClient) {}

  /** undefined when the recommender cannot answer (unreachable or failing); its 4xx errors are thrown. */
  async read(caller: Caller): Promise<StyleProfileReading | undefined> {
    let profile: StyleProfileAnswer;
    try {
      profile = await this.recommender.json<StyleProfileAnswer>(caller, { method: 'GET', path: '/v1/style-profile' });
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() >= 500) return undefined;
      throw err;
    }
    const ids = [...new Set(profile.modes.flatMap((m) => m.example_item_ids))];
    const items: Record<string, ExampleItem> = {};
    await Promise.all(
      ids.map(async (id) => {
        try {
          const item = await this.recommender.json<{ title: string; imageUrl: string | null }>(caller, {
            method: 'GET',
            path: `/v1/catalog/items/${encodeURIComponent(id)}`,
          });
          // The image is served at the same path by the gateway; the URL is built here, not taken from the answer.
          items[id] = {
            title: item.title,
            imageUrl: item.imageUrl ? `/v1/catalog/items/${encodeURIComponent(id)}/image` : null,
          };
        } catch (err) {
          // An example that vanished from the catalogue is drawn as a placeholder.
          if (!(err instanceof ApiError)) throw err;
        }
      }),
    );
    return { profile, items };
  }
}
