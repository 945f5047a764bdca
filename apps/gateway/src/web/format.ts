import type { Lang } from './i18n';

export const LOCALES: Record<Lang, string> = { ru: 'ru-RU', en: 'en-GB' };

const money = new Map<string, Intl.NumberFormat>();

/**
 * Every amount on every page goes through one formatter per language and currency: narrow symbol,
 * kopecks only when there are any.
 */
export function formatMoney(lang: Lang, amount: number, currency: string): string {
  const code = currency || 'RUB';
  const id = `${lang}:${code}`;
  let format = money.get(id);
  if (!format) {
    if (!/^[A-Za-z]{3}$/.test(code)) return `${amount.toFixed(Number.isInteger(amount) ? 0 : 2)} ${currency}`;
    format = new Intl.NumberFormat(LOCALES[lang], {
      style: 'currency',
      currency: code,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      trailingZeroDisplay: 'stripIfInteger',
    } as Intl.NumberFormatOptions);
    money.set(id, format);
  }
  return format.format(amount);
}

export function formatDate(lang: Lang, d: Date | string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(d));
}
