import { knownKey, type Translate } from './i18n';

/**
 * A one-line "why" for a ranked image from the judge's metrics: the two strongest normalised metrics
 * (values in [0, 1], named `*_n` or known judge scores) and the weakest one.
 */
export function explainScore(metrics: Record<string, number>, t: Translate): string {
  const named = Object.entries(metrics)
    .filter(([k, v]) => Number.isFinite(v) && v >= 0 && v <= 1 && knownKey(`metric.${k}`))
    .sort((a, b) => b[1] - a[1]);
  if (named.length === 0) return t('why.none');
  const label = ([k, v]: [string, number]) => `${t(knownKey(`metric.${k}`) ?? 'why.none')} ${v.toFixed(2)}`;
  const strong = named.slice(0, 2).map(label).join(', ');
  const parts = [t('why.strong', { list: strong })];
  if (named.length > 2) parts.push(t('why.weak', { list: label(named[named.length - 1]) }));
  return parts.join('; ');
}

/** The judge's verdict as a person reads it: "82 / 100 · отлично" (absent for judges that give no verdict). */
export function verdictText(metrics: Record<string, number>, t: Translate): string | undefined {
  const score = metrics.score_100;
  const word = knownKey(`verdict.${metrics.verdict}`);
  if (!Number.isFinite(score) || !word) return undefined;
  return `${Math.round(score)} / 100 · ${t(word)}`;
}

/** The judge's plain-language reasons (reason_<code> = ±1 in the metrics), strengths first; unknown codes are left out. */
export function judgeReasons(metrics: Record<string, number>, t: Translate): string | undefined {
  const reasons = Object.entries(metrics)
    .filter(([k, v]) => k.startsWith('reason_') && (v === 1 || v === -1))
    .sort((a, b) => b[1] - a[1])
    .map(([k]) => knownKey(`reason.${k.slice('reason_'.length)}`))
    .filter((key): key is NonNullable<typeof key> => key !== undefined)
    .map((key) => t(key));
  return reasons.length > 0 ? reasons.join(', ') : undefined;
}
