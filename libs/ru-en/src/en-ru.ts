import { DOMAIN_GLOSSARY } from './data/domain-glossary';
import { GLOSSARY_ENTRIES } from './data/marketing-glossary';

/**
 * English → Russian lemmas, the glossaries read backwards: lets an English query find Russian text (and is what
 * catalogue search uses to show Russian labels). First entry wins; dictionaries are not inverted twice.
 */
export class EnTranslator {
  private readonly byEnglish = new Map<string, string>();

  constructor() {
    for (const entry of DOMAIN_GLOSSARY) {
      for (const s of entry.senses)
        if (!this.byEnglish.has(s.en.toLowerCase())) this.byEnglish.set(s.en.toLowerCase(), entry.ru);
    }
    for (const entry of GLOSSARY_ENTRIES) {
      const en = entry.en.toLowerCase();
      if (en && !this.byEnglish.has(en)) this.byEnglish.set(en, entry.ru);
    }
  }

  /** Russian lemmas for the English words and two-word phrases of a text (plural -s folded). */
  translate(text: string): string[] {
    const words = text.toLowerCase().match(/[a-z]+(?:-[a-z]+)?/gu) ?? [];
    const out: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const pair = `${words[i]} ${words[i + 1] ?? ''}`;
      const hit =
        this.byEnglish.get(pair) ??
        this.byEnglish.get(words[i] ?? '') ??
        this.byEnglish.get((words[i] ?? '').replace(/e?s$/u, ''));
      if (hit) out.push(hit);
    }
    return out;
  }
}
