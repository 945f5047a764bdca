export const INTERACTION_KINDS = ['view', 'like', 'dislike', 'add_to_cart', 'purchase'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/**
 * Implicit-feedback strength of each kind. A dislike is negative: it pushes the content profile away
 * (Rocchio) and removes the item from the user's candidates.
 */
export const INTERACTION_WEIGHTS: Record<InteractionKind, number> = {
  view: 1,
  like: 3,
  add_to_cart: 4,
  purchase: 5,
  dislike: -3,
};

/** Kinds after which an item is never recommended again to that user. */
export const EXCLUDING_KINDS: ReadonlySet<InteractionKind> = new Set(['purchase', 'dislike']);
