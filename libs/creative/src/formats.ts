/**
 * Platform formats: the pixel size a creative is delivered at and the safe zone its text must stay inside.
 * The enhancer picks one (its composition words follow the chosen ratio), the gateway checks text fit against it,
 * the generator delivers exactly its size whatever backend drew the picture.
 */
export interface SafeZone {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface FormatPreset {
  id: string;
  /** Platform identifier the enhancer's detector uses. */
  platform: string;
  width: number;
  height: number;
  /** "4:5", "1.91:1": always parses as width:height, so composition words agree with the size. */
  aspectRatio: string;
  safe: SafeZone;
}

const margin = (w: number, h: number, share = 0.05): SafeZone => {
  const m = Math.max(24, Math.round(Math.min(w, h) * share));
  return { top: m, right: m, bottom: m, left: m };
};

const preset = (id: string, platform: string, width: number, height: number, aspectRatio: string, safe?: SafeZone) => ({
  id,
  platform,
  width,
  height,
  aspectRatio,
  safe: safe ?? margin(width, height),
});

export const FORMAT_PRESETS: readonly FormatPreset[] = [
  preset('instagram_post_square', 'instagram_post', 1080, 1080, '1:1'),
  preset('instagram_post_portrait', 'instagram_post', 1080, 1350, '4:5'),
  // Stories/Reels: the app's own header and reply bar cover 250 px at the top and the bottom.
  preset('instagram_story', 'instagram_story', 1080, 1920, '9:16', { top: 250, right: 64, bottom: 250, left: 64 }),
  preset('vk_post', 'vk_post', 1080, 1080, '1:1'),
  preset('vk_post_portrait', 'vk_post', 1080, 1350, '4:5'),
  preset('telegram_post', 'telegram_post', 1280, 720, '16:9'),
  preset('web_banner_wide', 'banner', 1500, 500, '3:1'),
  preset('web_banner_ad', 'banner', 1200, 628, '1.91:1'),
  preset('website_hero', 'website_hero', 1920, 1080, '16:9'),
  // Wildberries and Ozon: 3:4 cards; the marketplaces' own badges sit in the corners, hence the wider margin.
  preset('marketplace_card', 'marketplace_card', 900, 1200, '3:4', margin(900, 1200, 0.07)),
  preset('poster', 'poster', 1200, 1800, '2:3'),
  preset('generic', 'generic', 1080, 1080, '1:1'),
];

const byId = new Map(FORMAT_PRESETS.map((p) => [p.id, p]));

/** Words that pick another preset of the same platform (the first preset of a platform is its default). */
const VARIANT_CUES: ReadonlyArray<readonly [RegExp, string]> = [
  [/квадрат|square|1\s*:\s*1(?!\d)/iu, 'instagram_post_square'],
  [/квадрат|square|1\s*:\s*1(?!\d)/iu, 'vk_post'],
  [/4\s*:\s*5(?!\d)|вертикальн|портретн|portrait|vertical/iu, 'instagram_post_portrait'],
  [/4\s*:\s*5(?!\d)|вертикальн|портретн|portrait|vertical/iu, 'vk_post_portrait'],
  [/1[.,]91|реклам|таргет|\bads?\b|объявлени|яндекс/iu, 'web_banner_ad'],
  [/3\s*:\s*1(?!\d)|шапк|обложк|cover|header/iu, 'web_banner_wide'],
];

export interface FormatChoice {
  preset: FormatPreset;
  width: number;
  height: number;
  aspectRatio: string;
  safe: SafeZone;
  /** Why: "preset", "variant:square", "user size". */
  source: string;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** "1080×1920" → "9:16"; ratios with large terms become "1.91:1". */
export function ratioOf(width: number, height: number): string {
  const d = gcd(width, height);
  const [a, b] = [width / d, height / d];
  if (a <= 32 && b <= 32) return `${a}:${b}`;
  return width >= height ? `${(width / height).toFixed(2)}:1` : `1:${(height / width).toFixed(2)}`;
}

/** Safe zone for any size: the preset's when the size is the preset's, else proportional margins. */
export function safeZoneFor(platform: string, width: number, height: number): SafeZone {
  const exact = FORMAT_PRESETS.find((p) => p.platform === platform && p.width === width && p.height === height);
  if (exact) return exact.safe;
  if (platform === 'instagram_story') {
    const v = Math.round((250 / 1920) * height);
    const h = Math.round((64 / 1080) * width);
    return { top: v, right: h, bottom: v, left: h };
  }
  return margin(width, height);
}

/** An explicit "1080x1350" written in the request, within sane bounds. */
export function sizeInText(text: string): { width: number; height: number } | undefined {
  const m = /(\d{3,4})\s*[x×х*]\s*(\d{3,4})/u.exec(text);
  if (!m) return undefined;
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width >= 256 && height >= 256 && width <= 2048 && height <= 2048 ? { width, height } : undefined;
}

/**
 * The format for a platform: the user's explicit size wins, then a size or variant word in the request,
 * then the platform's default preset (unknown platforms get the generic square).
 */
export function chooseFormat(
  platform: string,
  text: string,
  userSize?: { width: number; height: number },
): FormatChoice {
  const candidates = FORMAT_PRESETS.filter((p) => p.platform === platform);
  const base = candidates[0] ?? (byId.get('generic') as FormatPreset);
  const sized = (width: number, height: number, source: string): FormatChoice => {
    const match = candidates.find((p) => p.width === width && p.height === height);
    return {
      preset: match ?? base,
      width,
      height,
      aspectRatio: ratioOf(width, height),
      safe: match ? match.safe : safeZoneFor(platform, width, height),
      source,
    };
  };
  if (userSize && userSize.width > 0 && userSize.height > 0) return sized(userSize.width, userSize.height, 'user size');
  const written = sizeInText(text);
  if (written) return sized(written.width, written.height, 'size in request');
  for (const [cue, id] of VARIANT_CUES) {
    const hit = candidates.find((p) => p.id === id);
    if (!hit || !cue.test(text)) continue;
    return {
      preset: hit,
      width: hit.width,
      height: hit.height,
      aspectRatio: hit.aspectRatio,
      safe: hit.safe,
      source: `variant:${id}`,
    };
  }
  return {
    preset: base,
    width: base.width,
    height: base.height,
    aspectRatio: base.aspectRatio,
    safe: base.safe,
    source: 'preset',
  };
}
