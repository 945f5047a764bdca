import { composeItemVector } from '../features/item-vector';
import { stemTokens, type Bm25Vectorizer } from '../features/text-vectorizer';

/** Weight of one studio verdict in the Rocchio content profile (a like of an item weighs 3, a view 1). */
export const STUDIO_FEEDBACK_WEIGHT = 0.5;

/**
 * Tokens of a studio prompt (the request as typed and the enhanced English prompt), stemmed like item text and
 * kept only where the catalogue uses them: words no item has ("8k", "bokeh") say nothing about its items, and
 * their high idf would otherwise swamp the words that do.
 */
export function studioPromptTokens(originalPrompt: string, enhancedPrompt: string, bm25: Bm25Vectorizer): string[] {
  return stemTokens(`${originalPrompt} ${enhancedPrompt}`).filter((t) => bm25.has(t));
}

/** The prompt as an item-space vector (text block only, same BM25 features as items); undefined if no word is known. */
export function studioPromptVector(
  originalPrompt: string,
  enhancedPrompt: string,
  bm25: Bm25Vectorizer,
): Float32Array | undefined {
  const tokens = studioPromptTokens(originalPrompt, enhancedPrompt, bm25);
  return tokens.length ? composeItemVector(bm25.vector(tokens), null, null) : undefined;
}

/** A short quote of what the user asked the studio for. */
export function quotePrompt(originalPrompt: string, enhancedPrompt: string, max = 60): string {
  const text = (originalPrompt.trim() || enhancedPrompt.trim()).replace(/\s+/g, ' ');
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
