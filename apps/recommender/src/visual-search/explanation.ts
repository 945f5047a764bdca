import type { AttributeSchema } from '../attributes/attribute-schema';
import type { AttributeContribution, AttributeProfile } from './attribute-profile';

export interface ExplanationPart {
  attribute: string;
  value: string;
  relation: 'like_positives' | 'unlike_negatives';
  /** Share of the attribute in the attribute score, times agreement and confidence. */
  weight: number;
  /** For unlike_negatives: the value the disliked photos shared. */
  disliked?: string;
}

export interface Explanation {
  en: string;
  ru: string;
  parts: ExplanationPart[];
  /** Cosine of the photo's embedding with the target. */
  look: number;
}

const MIN_WEIGHT = 0.2;
const MIN_CONFIDENCE = 0.3;

/**
 * The attributes of a match that agreed with the positives or differed from what the negatives shared, strongest
 * first, in plain English and Russian. Only attributes read on this very photo are named (contributions come
 * from its own readings), so an explanation never mentions something the photo lacks.
 */
export function explain(
  schema: AttributeSchema,
  profile: AttributeProfile,
  contributions: readonly AttributeContribution[],
  look: number,
  maxParts = 3,
): Explanation {
  const parts: ExplanationPart[] = [];
  for (const c of contributions) {
    if (c.confidence < MIN_CONFIDENCE) continue;
    if (c.positive !== undefined && c.positiveWeight >= MIN_WEIGHT && c.positive >= 0.6) {
      parts.push({
        attribute: c.name,
        value: c.value,
        relation: 'like_positives',
        weight: c.positiveWeight * c.positive * c.confidence,
      });
    } else if (c.negative !== undefined && c.negativeWeight >= MIN_WEIGHT && c.negative <= 0.3) {
      const dist = profile.negatives.get(c.name)?.distribution;
      const disliked = dist ? [...dist].sort((a, b) => b[1] - a[1])[0]?.[0] : undefined;
      parts.push({
        attribute: c.name,
        value: c.value,
        relation: 'unlike_negatives',
        weight: c.negativeWeight * (1 - c.negative) * c.confidence,
        disliked,
      });
    }
  }
  parts.sort((a, b) => b.weight - a.weight);
  const top = parts.slice(0, maxParts).map((p) => ({ ...p, weight: Math.round(p.weight * 1000) / 1000 }));
  return { ...render(schema, top, look), parts: top, look: Math.round(look * 1000) / 1000 };
}

function render(schema: AttributeSchema, parts: ExplanationPart[], look: number): { en: string; ru: string } {
  const word = (p: ExplanationPart, lang: 'en' | 'ru', value = p.value) =>
    [
      schema.spec(p.attribute)?.label[lang] ?? p.attribute,
      schema.value(p.attribute, value)?.label[lang] ?? value,
    ] as const;
  const like = parts.filter((p) => p.relation === 'like_positives');
  const unlike = parts.filter((p) => p.relation === 'unlike_negatives');
  const join = (items: string[], and: string) =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
  const en: string[] = [];
  const ru: string[] = [];
  if (like.length) {
    en.push(
      `similar ${join(
        like.map((p) => {
          const [a, v] = word(p, 'en');
          return `${a} (${v})`;
        }),
        'and',
      )}`,
    );
    ru.push(
      `похожи ${join(
        like.map((p) => {
          const [a, v] = word(p, 'ru');
          return `${a} (${v})`;
        }),
        'и',
      )}`,
    );
  }
  if (unlike.length) {
    en.push(
      `unlike your dislikes: ${join(
        unlike.map((p) => {
          const [a, v] = word(p, 'en');
          const d = p.disliked ? word(p, 'en', p.disliked)[1] : '';
          return d ? `${a} ${v}, not ${d}` : `${a} ${v}`;
        }),
        'and',
      )}`,
    );
    ru.push(
      `в отличие от непонравившихся: ${join(
        unlike.map((p) => {
          const [a, v] = word(p, 'ru');
          const d = p.disliked ? word(p, 'ru', p.disliked)[1] : '';
          return d ? `${a} — ${v}, а не ${d}` : `${a} — ${v}`;
        }),
        'и',
      )}`,
    );
  }
  if (look >= 0.8 || (!like.length && !unlike.length)) {
    en.push(look >= 0.8 ? 'very similar overall look' : 'similar overall look');
    ru.push(look >= 0.8 ? 'очень похожий общий облик' : 'похожий общий облик');
  }
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return { en: cap(en.join('; ')), ru: cap(ru.join('; ')) };
}
