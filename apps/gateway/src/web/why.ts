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
