/**
 * The judge's verdict as a list of parts with weights. A part counts only when it has evidence; the weight of a
 * part without evidence goes to the others (renormalised), so nothing is filled in with a constant. New checks
 * (e.g. designer checks on text layers) add a part here and an explanation, nothing else.
 */

export interface ScorePart {
  /** 'quality', 'fidelity', … */
  id: string;
  /** In [0, 1]. */
  score: number;
  /** Relative weight before renormalisation over the parts with evidence. */
  weight: number;
  /** False = the part could not measure anything on this image: it does not count. */
  evidence: boolean;
}

export interface CombinedScore {
  /** Σ w·s / Σ w over parts with evidence, in [0, 1]; 0 when no part has evidence. */
  final: number;
  /** Weights actually applied (sum 1), by part id. */
  applied: Record<string, number>;
}

export function combineParts(parts: readonly ScorePart[]): CombinedScore {
  const counted = parts.filter((p) => p.evidence && p.weight > 0 && Number.isFinite(p.score));
  const total = counted.reduce((s, p) => s + p.weight, 0);
  const applied: Record<string, number> = {};
  if (total <= 0) return { final: 0, applied };
  let final = 0;
  for (const p of counted) {
    applied[p.id] = p.weight / total;
    final += (p.weight / total) * Math.min(1, Math.max(0, p.score));
  }
  return { final, applied };
}

export type Word = 'excellent' | 'good' | 'weak';
export const WORDS: Record<Word, { ru: string; en: string }> = {
  excellent: { ru: 'отлично', en: 'excellent' },
  good: { ru: 'хорошо', en: 'good' },
  weak: { ru: 'слабо', en: 'weak' },
};
/** 0–100 score bands of the words (the 0–1 score maps the training MOS' 5th–95th percentile onto 0–1). */
export const WORD_BANDS = { excellent: 70, good: 45 } as const;

export interface Verdict {
  /** 0–100, rounded. */
  score: number;
  word: Word;
  label: { ru: string; en: string };
}

export function verdict(final: number): Verdict {
  const score = Math.round(100 * Math.min(1, Math.max(0, Number.isFinite(final) ? final : 0)));
  const word: Word = score >= WORD_BANDS.excellent ? 'excellent' : score >= WORD_BANDS.good ? 'good' : 'weak';
  return { score, word, label: WORDS[word] };
}

/** One plain-language reason, in both languages. */
export interface Reason {
  code: string;
  /** +1 speaks for the image, −1 against it. */
  sign: 1 | -1;
  ru: string;
  en: string;
}

/** Where a measurement counts as low or high: the training images' 25th and 75th percentiles. */
export type FeatureBands = Record<string, [number, number]>;

const REASONS = {
  sharp: { sign: 1, ru: 'резкое', en: 'sharp' },
  blurry: { sign: -1, ru: 'размытое', en: 'blurry' },
  clean: { sign: 1, ru: 'без артефактов', en: 'no artefacts' },
  blocky: { sign: -1, ru: 'видны артефакты сжатия', en: 'compression artefacts' },
  noisy: { sign: -1, ru: 'шумное', en: 'noisy' },
  harmonious: { sign: 1, ru: 'цвета гармоничные', en: 'harmonious colours' },
  discordant: { sign: -1, ru: 'цвета спорят друг с другом', en: 'clashing colours' },
  clipped: { sign: -1, ru: 'пересвечено или провалены тени', en: 'blown highlights or crushed shadows' },
  dull: { sign: -1, ru: 'блёклое, мало контраста', en: 'dull, low contrast' },
  objectSeen: { sign: 1, ru: 'объект запроса виден', en: 'the requested object is visible' },
  objectMissing: { sign: -1, ru: 'объект запроса не найден', en: 'the requested object was not found' },
  colourSeen: { sign: 1, ru: 'цвет из запроса есть', en: 'the requested colour is there' },
  colourMissing: { sign: -1, ru: 'цвета из запроса нет', en: 'the requested colour is missing' },
  subjectPlaced: { sign: 1, ru: 'иллюстрация объекта на месте', en: 'the subject illustration is in place' },
} as const satisfies Record<string, { sign: 1 | -1; ru: string; en: string }>;

function reason(code: keyof typeof REASONS): Reason {
  return { code, ...REASONS[code] };
}

/**
 * Reasons from the measurements (hand-made features named as in quality-features.ts) against the training
 * bands, and from the prompt-match evidence. Only clear cases speak: a middling measurement says nothing.
 */
export function explain(
  features: Record<string, number>,
  bands: FeatureBands,
  match: { objects?: number; colours?: number; subjectPlaced?: boolean },
): Reason[] {
  const out: Reason[] = [];
  const low = (f: string) => bands[f] !== undefined && features[f] <= bands[f][0];
  const high = (f: string) => bands[f] !== undefined && features[f] >= bands[f][1];
  if (high('sharp_fine')) out.push(reason('sharp'));
  else if (low('sharp_fine') && low('sharp_mid')) out.push(reason('blurry'));
  if (high('blockiness')) out.push(reason('blocky'));
  else if (high('noise')) out.push(reason('noisy'));
  else if (bands.blockiness && bands.noise && !low('sharp_fine')) out.push(reason('clean'));
  if (high('harmony')) out.push(reason('harmonious'));
  else if (low('harmony') && high('hue_entropy')) out.push(reason('discordant'));
  if (high('clip_high') || high('clip_low')) out.push(reason('clipped'));
  else if (low('contrast') && low('colourfulness')) out.push(reason('dull'));
  if (match.subjectPlaced) out.push(reason('subjectPlaced'));
  if (match.objects !== undefined) out.push(reason(match.objects >= 0.5 ? 'objectSeen' : 'objectMissing'));
  if (match.colours !== undefined) out.push(reason(match.colours >= 0.5 ? 'colourSeen' : 'colourMissing'));
  return out;
}

/** "Резкое, без артефактов, цвета гармоничные" — reasons joined into one sentence per language. */
export function sentence(reasons: readonly Reason[]): { ru: string; en: string } {
  const join = (xs: string[]) => {
    const s = xs.join(', ');
    return s ? s[0].toUpperCase() + s.slice(1) : '';
  };
  return { ru: join(reasons.map((r) => r.ru)), en: join(reasons.map((r) => r.en)) };
}
