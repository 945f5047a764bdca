/**
 * A rouble amount typed into a form ("1500", "1 500", "749,50", "-150.5") → integer kopecks; undefined when it
 * is not a plain decimal with at most two fraction digits and at most 10 digits of roubles.
 */
export function parseRoublesInput(raw: string | undefined, allowNegative = false): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/₽$/, '')
    .replace(',', '.');
  const m = /^(-?)(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m || (m[1] && !allowNegative)) return undefined;
  const kopecks = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -kopecks : kopecks;
}

/** Kopecks as the plain decimal a form field shows back ("1500", "749.5" → "749.50"). */
export function roublesField(kopecks: number): string {
  const abs = Math.abs(kopecks);
  const text = abs % 100 === 0 ? String(abs / 100) : `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return kopecks < 0 ? `-${text}` : text;
}
