import { Global, Logger, Module } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { DEBIAN_DICTIONARIES, DictionaryLexicon, RuEnTranslator, RussianMorphology } from '@atelier/ru-en';
import { MorphologyTranslator, PromptTranslator } from './prompt-translator';

/**
 * Loads the OpenCorpora morphology (Az.js dictionaries from the npm package, ~1 s) and indexes the installed
 * dictd dictionaries by lemma once at start (~3 s), and shares the translator.
 */
@Global()
@Module({
  providers: [
    {
      provide: PromptTranslator,
      inject: [SERVICE_CONFIG],
      useFactory: async (config: ServiceConfig<'enhancer'>): Promise<PromptTranslator> => {
        const logger = new Logger('PromptTranslator');
        const started = Date.now();
        const morphology = await RussianMorphology.load();
        const { lexicon, loaded, missing } = DictionaryLexicon.load(
          DEBIAN_DICTIONARIES(config.env.ENHANCER_DICTIONARY_DIR),
        );
        if (missing.length > 0) {
          logger.warn(
            `dictionaries missing in ${config.env.ENHANCER_DICTIONARY_DIR}: ${missing.join(', ')} ` +
              '(apt-get install mueller7-dict dict-freedict-eng-rus); translating with the glossaries only',
          );
        }
        const translator = new RuEnTranslator({ morphology, lexicon });
        logger.log(
          `morphology + ${lexicon.size} dictionary lemmas from ${loaded.join(', ') || 'no dictionary'} in ${Date.now() - started} ms`,
        );
        return new MorphologyTranslator(translator);
      },
    },
  ],
  exports: [PromptTranslator],
})
export class TranslationModule {}
