import { ciede2000, hexToLab, type Lab, type PaletteColour } from '@atelier/colour-science';
import type { Reason } from '../quality/score-parts';

/** A box in pixels. */
export interface DesignBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The text layer's record as the judge reads it from images.generated (generator.v1.CreativeLayout). */
export interface DesignLayout {
  width: number;
  height: number;
  safe: { top: number; right: number; bottom: number; left: number };
  texts: Array<{ field: string; box: DesignBox; contrast: number; colour: string; background: string }>;
  subjects: Array<{ name: string; box: DesignBox }>;
  logo?: DesignBox;
  /** Colours the text layer chose (text, plates, badge, button). */
  colours: string[];
}

export type CheckId = 'legibility' | 'safe_zone' | 'subject_clear' | 'logo_clear' | 'brand_palette';

export interface CheckResult {
  id: CheckId;
  pass: boolean;
  /** The measurement behind it (min contrast, worst overlap share, mean ΔE00, …). */
  value: number;
}

export interface DesignVerdict {
  checks: CheckResult[];
  reasons: Reason[];
  /** Added to the image's final score before ranking: small, in [−0.15, +0.05]. */
  adjustment: number;
  /** Numbers for the metrics map (design_*). */
  metrics: Record<string, number>;
}

/** WCAG AA for body text. */
export const MIN_CONTRAST = 4.5;
/** Share of a subject's focal area that text may cover before it counts as "over the subject". */
const MAX_SUBJECT_COVER = 0.02;
/** Mean ΔE00 from each brand colour to the nearest colour of the creative: ≤ near is on brand, > far is off. */
export const BRAND_NEAR = 12;
export const BRAND_FAR = 30;
/**
 * Penalties and bonuses: a failed hard check (illegible text, text outside the safe zone or over the subject, a
 * covered logo) costs 0.05 of the 0–1 score, a pass earns 0.01; an on-brand palette earns 0.02, an off-brand one
 * costs 0.03. Small on purpose: they reorder near-ties and sink clear faults, never outweigh the picture's quality.
 */
export const DESIGN_WEIGHTS = { fail: -0.05, pass: 0.01, brandNear: 0.02, brandFar: -0.03, min: -0.15, max: 0.05 };

const REASONS: Record<string, Omit<Reason, 'code'>> = {
  textLegible: { sign: 1, ru: 'текст читается', en: 'the text is legible' },
  textIllegible: { sign: -1, ru: 'текст плохо читается', en: 'the text is hard to read' },
  textInSafeZone: { sign: 1, ru: 'текст в безопасной зоне', en: 'the text is inside the safe zone' },
  textOutsideSafeZone: { sign: -1, ru: 'текст выходит из безопасной зоны', en: 'the text leaves the safe zone' },
  subjectClear: { sign: 1, ru: 'текст не закрывает объект', en: 'no text over the subject' },
  textOverSubject: { sign: -1, ru: 'текст закрывает объект', en: 'text covers the subject' },
  logoClear: { sign: 1, ru: 'логотип не перекрыт', en: 'the logo is not covered' },
  logoCovered: { sign: -1, ru: 'логотип перекрыт', en: 'the logo is covered' },
  brandColours: { sign: 1, ru: 'цвета в стиле бренда', en: 'colours match the brand' },
  offBrandColours: { sign: -1, ru: 'цвета далеки от бренда', en: 'colours are far from the brand' },
};
const reason = (code: keyof typeof REASONS): Reason => ({ code, ...REASONS[code] });

const area = (b: DesignBox): number => Math.max(0, b.w) * Math.max(0, b.h);
function intersection(a: DesignBox, b: DesignBox): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** An illustration's focal area: its middle 70% each way (its edges are mostly transparent margin). */
function focal(s: { name: string; box: DesignBox }): DesignBox {
  if (s.name === 'focal_area') return s.box;
  const b = s.box;
  return { x: b.x + b.w * 0.15, y: b.y + b.h * 0.15, w: b.w * 0.7, h: b.h * 0.7 };
}

const inside = (b: DesignBox, l: DesignLayout): boolean =>
  b.x >= l.safe.left - 0.5 &&
  b.y >= l.safe.top - 0.5 &&
  b.x + b.w <= l.width - l.safe.right + 0.5 &&
  b.y + b.h <= l.height - l.safe.bottom + 0.5;

/**
 * Mean over the brand's colours of the CIEDE2000 distance to the nearest colour the creative shows: the text
 * layer's own colours and the picture's dominant colours (those covering at least 3% of it).
 */
export function brandPaletteDistance(
  brand: readonly string[],
  layoutColours: readonly string[],
  picture: readonly PaletteColour[],
): number | undefined {
  const targets = brand.filter((c) => /^#[0-9a-f]{6}$/iu.test(c)).map(hexToLab);
  const shown: Lab[] = [
    ...layoutColours.filter((c) => /^#[0-9a-f]{6}$/iu.test(c)).map(hexToLab),
    ...picture.filter((p) => p.share >= 0.03).map((p) => p.lab),
  ];
  if (targets.length === 0 || shown.length === 0) return undefined;
  const nearest = targets.map((t) => Math.min(...shown.map((s) => ciede2000(t, s))));
  return nearest.reduce((s, d) => s + d, 0) / nearest.length;
}

/**
 * Checks a creative as a designer would, from the layout record the generator published with it: every text at
 * least 4.5:1 against what is under it, inside the platform's safe zone, off the subject's focal area; the logo
 * uncovered and inside the safe zone; and, with a brand kit, the creative's colours near the brand's.
 * Each check speaks only with evidence (no texts: no legibility verdict; no logo: no logo verdict).
 */
export function designerChecks(
  layout: DesignLayout,
  brand: { palette: readonly string[] } | undefined,
  picture: readonly PaletteColour[],
): DesignVerdict {
  const checks: CheckResult[] = [];
  const reasons: Reason[] = [];
  const metrics: Record<string, number> = {};
  const texts = layout.texts;
  if (texts.length > 0) {
    const min = Math.min(...texts.map((t) => t.contrast));
    checks.push({ id: 'legibility', pass: min >= MIN_CONTRAST, value: min });
    reasons.push(reason(min >= MIN_CONTRAST ? 'textLegible' : 'textIllegible'));
    metrics.design_min_contrast = min;

    const outside = texts.filter((t) => !inside(t.box, layout)).length;
    checks.push({ id: 'safe_zone', pass: outside === 0, value: outside });
    reasons.push(reason(outside === 0 ? 'textInSafeZone' : 'textOutsideSafeZone'));
    metrics.design_texts_outside = outside;

    if (layout.subjects.length > 0) {
      let worst = 0;
      for (const s of layout.subjects) {
        const f = focal(s);
        const covered = texts.reduce((sum, t) => sum + intersection(t.box, f), 0);
        worst = Math.max(worst, area(f) > 0 ? covered / area(f) : 0);
      }
      checks.push({ id: 'subject_clear', pass: worst <= MAX_SUBJECT_COVER, value: worst });
      reasons.push(reason(worst <= MAX_SUBJECT_COVER ? 'subjectClear' : 'textOverSubject'));
      metrics.design_subject_cover = worst;
    }
  }
  if (layout.logo) {
    const logo = layout.logo;
    const covered = texts.reduce((sum, t) => sum + intersection(t.box, logo), 0) / Math.max(1, area(logo));
    const clear = covered === 0 && inside(logo, layout);
    checks.push({ id: 'logo_clear', pass: clear, value: covered });
    reasons.push(reason(clear ? 'logoClear' : 'logoCovered'));
    metrics.design_logo_cover = covered;
  }
  const distance = brand ? brandPaletteDistance(brand.palette, layout.colours, picture) : undefined;
  if (distance !== undefined) {
    checks.push({ id: 'brand_palette', pass: distance <= BRAND_FAR, value: distance });
    if (distance <= BRAND_NEAR) reasons.push(reason('brandColours'));
    else if (distance > BRAND_FAR) reasons.push(reason('offBrandColours'));
    metrics.design_brand_delta_e = Math.round(distance * 100) / 100;
  }
  let adjustment = 0;
  for (const c of checks) {
    if (c.id === 'brand_palette') {
      adjustment +=
        c.value <= BRAND_NEAR ? DESIGN_WEIGHTS.brandNear : c.value > BRAND_FAR ? DESIGN_WEIGHTS.brandFar : 0;
    } else {
      adjustment += c.pass ? DESIGN_WEIGHTS.pass : DESIGN_WEIGHTS.fail;
    }
  }
  adjustment = Math.min(DESIGN_WEIGHTS.max, Math.max(DESIGN_WEIGHTS.min, adjustment));
  metrics.design_adjust = Math.round(adjustment * 1000) / 1000;
  metrics.design_checks_passed = checks.filter((c) => c.pass).length;
  metrics.design_checks = checks.length;
  return { checks, reasons, adjustment, metrics };
}
