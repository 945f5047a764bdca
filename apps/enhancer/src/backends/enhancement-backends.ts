import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { PromptTranslator } from '../translation';
import { BuiltinBackend } from './builtin-backend';
import type { EnhancementBackend } from './enhancement-backend';
import { OllamaBackend } from './ollama-backend';
import { OpenAiBackend } from './openai-backend';

/** The backends this enhancer can use: builtin always, plus the configured LLM backend (if any). */
@Injectable()
export class EnhancementBackends {
  readonly builtin: BuiltinBackend;
  readonly configured: EnhancementBackend;

  constructor(translator: PromptTranslator, @Inject(SERVICE_CONFIG) config: ServiceConfig<'enhancer'>) {
    const env = config.env;
    this.builtin = new BuiltinBackend(translator);
    const llm = { timeoutMs: env.ENHANCER_LLM_TIMEOUT_MS, maxAttempts: env.ENHANCER_LLM_MAX_ATTEMPTS };
    this.configured =
      env.ENHANCER_BACKEND === 'ollama'
        ? new OllamaBackend({ ...llm, url: env.OLLAMA_URL, model: env.OLLAMA_MODEL })
        : env.ENHANCER_BACKEND === 'openai'
          ? new OpenAiBackend({
              ...llm,
              url: env.ENHANCER_OPENAI_URL,
              model: env.ENHANCER_OPENAI_MODEL,
              apiKey: env.ENHANCER_OPENAI_API_KEY,
            })
          : this.builtin;
  }
}
