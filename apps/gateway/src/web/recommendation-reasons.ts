import type { MessageKey, Translate } from './i18n';

/**
 * The recommender explains each item in short English phrases built from the caller's own history
 * ("because you liked “X”", "similar colour and type to “X”", "popular in the shop"). The web shows them in the
 * visitor's language; a phrase this table does not know is shown as the recommender wrote it.
 */
const VERBS: Record<string, MessageKey> = {
  viewed: 'reason.viewed',
  liked: 'reason.liked',
  'added to cart': 'reason.added',
  bought: 'reason.bought',
  disliked: 'reason.disliked',
};

const FIXED: Record<string, MessageKey> = {
  'liked by people with similar taste': 'reason.taste',
  'popular in the shop': 'reason.popular',
  'adds variety: unlike the items ranked above it': 'reason.variety',
  'often chosen together': 'reason.together',
};

const PARTS: Record<string, MessageKey> = { colour: 'part.colour', type: 'part.type', look: 'part.look' };

/** "colour and type" → the translated parts, or undefined when a part is unknown. */
function parts(list: string, t: Translate): string | undefined {
  const names = list.split(' and ').map((p) => PARTS[p.trim()]);
  if (names.some((n) => n === undefined)) return undefined;
  return names.map((n) => t(n as MessageKey)).join(t('reason.and'));
}

/** The recommender's own "picked for variety" phrase (the placement note says the same with the rank). */
export const isVarietyReason = (reason: string): boolean => FIXED[reason.trim()] === 'reason.variety';

export function explainReason(reason: string, t: Translate): string {
  const text = reason.trim();
  const fixed = FIXED[text];
  if (fixed) return t(fixed);
  const because = /^because you (viewed|liked|added to cart|bought|disliked) “(.+)”$/.exec(text);
  if (because) return t('reason.because', { what: t(VERBS[because[1]], { title: because[2] }) });
  const similarTo = /^similar (?:(.+) )?to “(.+)”$/.exec(text);
  if (similarTo) {
    if (!similarTo[1]) return t('reason.similarToPlain', { title: similarTo[2] });
    const p = parts(similarTo[1], t);
    if (p) return t('reason.similarTo', { parts: p, title: similarTo[2] });
  }
  // Neighbours of the item on its own page: "similar colour and type to" (the item itself is the anchor).
  const similarHere = /^similar (?:(.+) )?to$/.exec(text);
  if (similarHere) {
    if (!similarHere[1]) return t('reason.similarHerePlain');
    const p = parts(similarHere[1], t);
    if (p) return t('reason.similarHere', { parts: p });
  }
  return text;
}

/**
 * A plain-words note on where diversification put the item: `position` is its 1-based place in the served
 * list, `relevanceRank` its place by blended relevance alone. Nothing to say when they agree or it is unknown.
 */
export function placementNote(
  position: number,
  relevanceRank: number | undefined,
  listLength: number,
  t: Translate,
): string | undefined {
  if (relevanceRank === undefined || !Number.isInteger(relevanceRank) || relevanceRank === position) return undefined;
  return relevanceRank > listLength
    ? t('forYou.promoted', { rank: relevanceRank })
    : t('forYou.moved', { rank: relevanceRank });
}
