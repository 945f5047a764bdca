import {
  assign,
  componentLogs,
  onlineUpdate,
  principalAxes,
  project,
  selectByBic,
  type GaussianMixture,
} from './gaussian-mixture';

export interface LikedItem {
  id: string;
  vector: Float32Array;
  attributes: Readonly<Record<string, string | number | boolean>>;
}

export interface StyleModel {
  basis: { mean: number[]; axes: number[][] };
  gmm: GaussianMixture;
  /** Ids of the items the model has seen (fitted or added online). */
  seen: string[];
  bics: Array<{ k: number; bic: number }>;
  fittedOn: number;
}

export interface StyleMode {
  mode: number;
  share: number;
  items: number;
  dominant_attributes: Array<{ name: string; value: string; share: number }>;
  example_item_ids: string[];
}

export const MIN_LIKES = 6;
const PROJECTION_DIMS = 6;
/** Refit from scratch once the online additions exceed this share of the fitted likes. */
const REFIT_GROWTH = 0.5;

export function fitStyleModel(likes: LikedItem[], seed = 1): StyleModel {
  // The store hands likes over in random-id order; k-means++ seeding depends on order, so fit a canonical one:
  // the same likes always give the same profile.
  const items = [...likes].sort((a, b) => compareVectors(a.vector, b.vector) || a.id.localeCompare(b.id));
  const basis = principalAxes(
    items.map((i) => i.vector),
    PROJECTION_DIMS,
  );
  const X = items.map((i) => project(i.vector, basis));
  // Small profiles are where a bad seeding merges two styles (1 of 40 orders of 14 real likes did with 3 restarts);
  // they are also cheap, so they get more restarts.
  const restarts = items.length <= SMALL_PROFILE ? 10 : 3;
  const { model, bics } = selectByBic(X, 3, 7, { seed, restarts });
  return { basis, gmm: model, seen: items.map((i) => i.id), bics, fittedOn: items.length };
}

const SMALL_PROFILE = 200;

function compareVectors(a: Float32Array, b: Float32Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Adds new likes by online EM steps, or refits when the model has drifted too far from its fit. */
export function updateStyleModel(model: StyleModel, items: LikedItem[]): StyleModel {
  const seen = new Set(model.seen);
  const fresh = items.filter((i) => !seen.has(i.id));
  if (fresh.length === 0) return model;
  if (model.seen.length + fresh.length > model.fittedOn * (1 + REFIT_GROWTH)) return fitStyleModel(items);
  let gmm = model.gmm;
  for (const i of fresh) gmm = onlineUpdate(gmm, project(i.vector, model.basis));
  return { ...model, gmm, seen: [...model.seen, ...fresh.map((i) => i.id)] };
}

/** Modes with their share, dominant catalogue attributes and the most typical liked items. */
export function describeModes(model: StyleModel, items: LikedItem[]): StyleMode[] {
  const groups = model.gmm.weights.map(() => [] as Array<{ item: LikedItem; r: number }>);
  for (const item of items) {
    const x = project(item.vector, model.basis);
    const c = assign(model.gmm, x);
    groups[c].push({ item, r: componentLogs(model.gmm, x).responsibilities[c] });
  }
  return groups
    .map((members, mode) => {
      const counts = new Map<string, number>();
      for (const { item } of members) {
        for (const [name, value] of Object.entries(item.attributes)) {
          if (typeof value !== 'string' || !value || value === 'NA') continue;
          const key = `${name}\u0000${value}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
      const dominant = [...counts]
        .map(([key, c]) => {
          const [name, value] = key.split('\u0000');
          return { name, value, share: Math.round((c / Math.max(1, members.length)) * 100) / 100 };
        })
        .filter((a) => a.share >= 0.5)
        .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name))
        .slice(0, 5);
      return {
        mode,
        share: Math.round(model.gmm.weights[mode] * 1000) / 1000,
        items: members.length,
        dominant_attributes: dominant,
        example_item_ids: members
          .sort((a, b) => b.r - a.r)
          .slice(0, 4)
          .map((m) => m.item.id),
      };
    })
    .filter((m) => m.items > 0)
    .sort((a, b) => b.share - a.share);
}
