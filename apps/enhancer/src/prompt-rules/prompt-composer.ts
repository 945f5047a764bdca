import type { Detection, Goal, Platform } from './platform-goal-detector';
import type { PromptOperation } from './prompt-cleaner';

export interface ComposedPrompt {
  prompt: string;
  operations: PromptOperation[];
}

/** Hard cap for the composed prompt, counted in UTF-16 code units (never fewer than code points). */
export const MAX_PROMPT_LENGTH = 600;

// Phrases are in priority order inside each fragment; when space runs out the tail is dropped first.
const PLATFORM_PHRASES: Readonly<Record<Platform, readonly string[]>> = {
  instagram_post: ['social media feed post', 'eye-catching at thumbnail size'],
  instagram_story: ['key subject centered', 'free space at top and bottom for interface overlays'],
  vk_post: ['social media feed post', 'clear single focal point'],
  telegram_post: ['channel post illustration', 'readable at small preview size'],
  banner: ['web banner layout', 'subject on one side', 'empty space for headline'],
  website_hero: ['website hero image', 'calm negative space for headline and buttons', 'cinematic depth'],
  marketplace_card: ['marketplace product card', 'product fills most of the frame', 'space for infographic callouts'],
  poster: ['poster layout', 'strong visual hierarchy', 'space for title text'],
  generic: [],
};

const GOAL_PHRASES: Readonly<Record<Goal, readonly string[]>> = {
  promotion: ['bold sale typography area', 'high contrast call to action'],
  product_shot: ['studio product photography', 'clean background', 'soft light'],
  announcement: ['fresh hero visual', 'space for announcement headline', 'festive launch mood'],
  seasonal: ['seasonal atmosphere', 'season-appropriate colors and props'],
  branding: ['cohesive brand color palette', 'memorable lifestyle imagery', 'premium aesthetic'],
  hiring: ['friendly welcoming workplace scene', 'space for vacancy headline'],
  generic: [],
};

const QUALITY_PHRASES: readonly string[] = ['high quality', 'sharp details'];

interface Fragment {
  name: string;
  phrases: readonly string[];
}

/** "9:16" → "vertical 9:16 composition"; an unparsable ratio yields no phrase rather than a wrong one. */
function compositionPhrase(aspectRatio: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/u.exec(aspectRatio.trim());
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (!(width > 0 && height > 0)) return undefined;
  const orientation = width > height ? 'horizontal' : width < height ? 'vertical' : 'square';
  return `${orientation} ${aspectRatio.trim()} composition`;
}

/** Joins after the user's own sentence punctuation with a space, otherwise with a comma. */
function separatorAfter(prompt: string): string {
  if (prompt.length === 0) return '';
  return /[.!?…,;:]$/u.test(prompt) ? ' ' : ', ';
}

/**
 * Builds the final prompt: the cleaned user text first, then English style guidance for the platform,
 * the goal and general quality. Deterministic, never repeats a phrase (including one the user already
 * wrote), and stays within MAX_PROMPT_LENGTH by dropping guidance — the user's text is never cut.
 */
export function composePrompt(
  cleaned: string,
  detection: Pick<Detection, 'platform' | 'goal' | 'aspectRatio'>,
): ComposedPrompt {
  const composition = compositionPhrase(detection.aspectRatio);
  const fragments: readonly Fragment[] = [
    {
      name: 'platform_style',
      phrases: [...(composition ? [composition] : []), ...PLATFORM_PHRASES[detection.platform]],
    },
    { name: 'goal_style', phrases: GOAL_PHRASES[detection.goal] },
    { name: 'quality_style', phrases: QUALITY_PHRASES },
  ];

  let prompt = cleaned.trim();
  const operations: PromptOperation[] = [];
  let dropped = 0;

  for (const fragment of fragments) {
    const appended: string[] = [];
    for (const phrase of fragment.phrases) {
      if (prompt.toLowerCase().includes(phrase.toLowerCase())) continue;
      const candidate = `${prompt}${separatorAfter(prompt)}${phrase}`;
      // Once one phrase does not fit, later (lower-priority) ones are dropped too, keeping the cut predictable.
      if (dropped > 0 || candidate.length > MAX_PROMPT_LENGTH) {
        dropped++;
        continue;
      }
      prompt = candidate;
      appended.push(phrase);
    }
    if (appended.length > 0) operations.push({ name: fragment.name, detail: appended.join(', ') });
  }

  if (dropped > 0) {
    operations.push({
      name: 'trim_guidance',
      detail: `dropped ${dropped} phrase(s) to stay within ${MAX_PROMPT_LENGTH} characters`,
    });
  }
  return { prompt, operations };
}
