import type { DataSource } from 'typeorm';
import { BuiltinBackend } from '../backends/builtin-backend';
import type { EnhancementBackends } from '../backends/enhancement-backends';
import { OllamaBackend } from '../backends/ollama-backend';
import type { BrandProfiles } from '../brand-profiles/brand-profiles.service';
import type { PolicyStatsRepository } from '../policy/policy-stats.repository';
import { EMPTY_STATS, PromptPolicy } from '../policy/prompt-policy';
import { seededRandom } from '../policy/seeded-random';
import { DEBIAN_DICTIONARIES, DictionaryLexicon, RuEnTranslator, RussianMorphology } from '@atelier/ru-en';
import { MorphologyTranslator, type PromptTranslator } from '../translation';
import { PromptEnhancer } from './prompt-enhancer.service';

let translator: PromptTranslator;
let builtin: BuiltinBackend;
beforeAll(async () => {
  const morphology = await RussianMorphology.load();
  const { lexicon } = DictionaryLexicon.load(DEBIAN_DICTIONARIES('/usr/share/dictd'));
  translator = new MorphologyTranslator(new RuEnTranslator({ morphology, lexicon }));
  builtin = new BuiltinBackend(translator);
}, 60_000);
// Persistence ports replaced by fakes: no brand profile, no feedback yet.
const profiles = { forPrompt: async () => undefined } as unknown as BrandProfiles;
const stats = { load: async () => EMPTY_STATS } as unknown as PolicyStatsRepository;
const dataSource = { manager: {} } as DataSource;

function enhancerWith(configured: EnhancementBackends['configured']): PromptEnhancer {
  const backends = { builtin, configured } as EnhancementBackends;
  return new PromptEnhancer(backends, translator, profiles, stats, new PromptPolicy(seededRandom(1)), dataSource);
}

describe('PromptEnhancer', () => {
  it('falls back to the built-in backend when the LLM is unreachable, and records why', async () => {
    // Port 9 (discard) on loopback: connection refused at once.
    const ollama = new OllamaBackend({
      url: 'http://127.0.0.1:9',
      model: 'm',
      timeoutMs: 500,
      maxAttempts: 2,
      retryDelayMs: 5,
    });
    const e = await enhancerWith(ollama).enhance('баннер для кофейни, осень, скидка 20%', {
      userId: '00000000-0000-4000-8000-000000000001',
      autoEnhance: true,
    });
    expect(e.backend).toBe('builtin@1');
    expect(e.fallbackFrom).toBe('ollama:m');
    expect(e.fallbackReason).toMatch(/^ollama:m: /u);
    expect(e.operations.find((o) => o.name === 'backend_fallback')?.detail).toMatch(/^ollama:m → builtin@1: /u);
    // The format words went to detection (banner layout), the subject is what gets drawn.
    expect(e.enhanced).toMatch(/^coffee shops?, autumn, discount 20%/u);
    expect(e.enhanced).toContain('web banner layout');
    expect(e.fragments).toHaveLength(4);
  });

  it('honours auto_prompt_enhance off: cleaned and translated only, no fragments, no styling', async () => {
    const e = await enhancerWith(builtin).enhance('insta пост новая коллекция платьев 🌸', {
      userId: '00000000-0000-4000-8000-000000000001',
      autoEnhance: false,
    });
    expect(e.enhanced).toBe('new dress collection');
    expect(e.fragments).toEqual([]);
    expect(e.negativePrompt).toBe('');
    expect(e.autoEnhanced).toBe(false);
    expect(e.language).toBe('mixed');
    expect(e.operations.map((o) => o.name)).toContain('auto_enhance_off');
  });
});
