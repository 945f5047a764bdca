import { Injectable } from '@nestjs/common';
import { composePhotoEmbedding } from '../attributes/photo-annotator';
import { COLOUR_DIMENSIONS } from '../features/colour-features';
import { fromBytes } from '../photos/photo.repository';
import {
  describeModes,
  fitStyleModel,
  MIN_LIKES,
  updateStyleModel,
  type LikedItem,
  type StyleMode,
  type StyleModel,
} from './style-profile';
import { StyleProfileRepository } from './style-profile.repository';

export interface StyleProfileView {
  user_id: string;
  likes: number;
  status: 'ready' | 'not_enough_likes';
  k?: number;
  bic?: Array<{ k: number; bic: number }>;
  modes: StyleMode[];
  updated: 'fitted' | 'online' | 'unchanged' | 'none';
}

/**
 * A user's style profile: a Gaussian mixture over the image+colour vectors of their liked items (k by BIC in 3–7),
 * stored and brought up to date with online EM steps as likes arrive, refitted when they have grown a lot.
 */
@Injectable()
export class StyleProfileService {
  constructor(private readonly repo: StyleProfileRepository) {}

  async profile(userId: string): Promise<StyleProfileView> {
    const current = await this.current(userId);
    if (current.status === 'not_enough_likes') {
      return { user_id: userId, likes: current.likes, status: 'not_enough_likes', modes: [], updated: 'none' };
    }
    const { model, items, updated } = current;
    return {
      user_id: userId,
      likes: items.length,
      status: 'ready',
      k: model.gmm.weights.length,
      bic: model.bics,
      modes: describeModes(model, items),
      updated,
    };
  }

  /** The user's style model brought up to date (fitted, stepped online or as stored) with the liked items behind it. */
  async current(
    userId: string,
  ): Promise<
    | { status: 'not_enough_likes'; likes: number }
    | { status: 'ready'; model: StyleModel; items: LikedItem[]; updated: StyleProfileView['updated'] }
  > {
    const rows = await this.repo.likedItems(userId);
    const items: LikedItem[] = rows
      .filter((r) => r.colour || r.image)
      .map((r) => ({
        id: r.item_id,
        attributes: r.attributes,
        vector: composePhotoEmbedding(
          r.image ? fromBytes(r.image) : null,
          r.colour ? fromBytes(r.colour) : new Float32Array(COLOUR_DIMENSIONS),
        ),
      }));
    if (items.length < MIN_LIKES) return { status: 'not_enough_likes', likes: items.length };
    const stored = await this.repo.find(userId);
    let model: StyleModel;
    let updated: StyleProfileView['updated'];
    if (!stored) {
      model = fitStyleModel(items);
      updated = 'fitted';
    } else {
      const previous = stored.model as StyleModel;
      model = updateStyleModel(previous, items);
      updated = model === previous ? 'unchanged' : model.fittedOn !== previous.fittedOn ? 'fitted' : 'online';
    }
    const last = rows.reduce((m, r) => (BigInt(r.interaction_id) > m ? BigInt(r.interaction_id) : m), 0n);
    if (updated !== 'unchanged') await this.repo.save(userId, model, items.length, String(last));
    return { status: 'ready', model, items, updated };
  }
}
