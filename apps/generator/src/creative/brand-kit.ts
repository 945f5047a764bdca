import type { BrandKit, MessageInitShape } from '@atelier/contracts';
import { CreativeLayoutSchema } from '@atelier/contracts';
import type { CreativeRecord } from '@atelier/creative';
import type { CreativeBrief } from '../backends/image-backend';

/** The brand kit as the generator uses it: fonts by role, the logo's bytes (loaded from storage), banned words. */
export interface BrandKitInput {
  palette: string[];
  fonts: { headline?: string; body?: string };
  logo?: Buffer;
  bannedWords: string[];
}

export function brandKitInput(kit: BrandKit | undefined, logo: Buffer | undefined): BrandKitInput | undefined {
  if (!kit) return undefined;
  return {
    palette: [...kit.palette],
    fonts: { headline: kit.fonts[0] || undefined, body: kit.fonts[1] || kit.fonts[0] || undefined },
    ...(logo ? { logo } : {}),
    bannedWords: [...kit.bannedWords],
  };
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/**
 * Removes a brand's banned words from a text: whole words (letters of any script), any case; the spaces and
 * punctuation they leave are tidied. "Дешёвый кофе" with "дешёвый" banned → "кофе".
 */
export function withoutBanned(text: string, banned: readonly string[]): string {
  let out = text;
  for (const word of banned) {
    const w = word.trim();
    if (!w) continue;
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(w)}(?![\\p{L}\\p{N}])`, 'giu'), '');
  }
  if (out === text) return text;
  const tidy = out
    .replace(/\s+([,.!?:;])/gu, '$1')
    .replace(/^[\s,.;:!?–—-]+/u, '')
    .replace(/\s{2,}/gu, ' ')
    .trim();
  // A headline that began with a capital still does after its first word went.
  const first = text.trim().charAt(0);
  return first && first === first.toUpperCase() && first !== first.toLowerCase()
    ? tidy.charAt(0).toUpperCase() + tidy.slice(1)
    : tidy;
}

/** The brief with banned words taken out of every text field. */
export function briefWithoutBanned(brief: CreativeBrief, banned: readonly string[]): CreativeBrief {
  if (banned.length === 0) return brief;
  const clean = (s: string | undefined): string | undefined => (s === undefined ? s : withoutBanned(s, banned));
  return {
    ...brief,
    title: withoutBanned(brief.title, banned),
    subline: clean(brief.subline),
    cta: clean(brief.cta),
    deadline: clean(brief.deadline),
  };
}

type LayoutInit = MessageInitShape<typeof CreativeLayoutSchema>;

/** The text layer's record as the images.generated contract carries it to the judge. */
export function layoutMessage(r: CreativeRecord): LayoutInit {
  return {
    width: r.width,
    height: r.height,
    safeTop: r.safe.top,
    safeRight: r.safe.right,
    safeBottom: r.safe.bottom,
    safeLeft: r.safe.left,
    texts: r.texts.map((t) => ({
      field: t.field,
      text: t.text,
      box: t.box,
      colour: t.colour,
      font: t.font,
      fontSize: t.fontSize,
      contrast: t.contrast,
      on: t.on,
      background: t.plate?.colour ?? t.shapeFill ?? '',
    })),
    subjects: r.subjects.map((s) => ({ name: s.name, box: s.box })),
    ...(r.logo ? { logo: r.logo } : {}),
    colours: r.colours,
    fonts: r.fonts,
    art: r.art,
  };
}
