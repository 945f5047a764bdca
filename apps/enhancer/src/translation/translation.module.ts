import { Global, Logger, Module } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { DEBIAN_DICTIONARIES, RuEnDictionary } from './ru-en-dictionary';
import { RussianTranslator } from './russian-translator';

/** Indexes the installed dictd dictionaries once at start (about 1.5 s) and shares the translator. */
@Global()
@Module({
  providers: [
    {
      provide: RussianTranslator,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig<'enhancer'>): RussianTranslator => {
        const logger = new Logger('RussianTranslator');
        const started = Date.now();
        const { dictionary, loaded, missing } = RuEnDictionary.load(
          DEBIAN_DICTIONARIES(config.env.ENHANCER_DICTIONARY_DIR),
        );
        if (missing.length > 0) {
          logger.warn(
            `dictionaries missing in ${config.env.ENHANCER_DICTIONARY_DIR}: ${missing.join(', ')} ` +
              '(apt-get install mueller7-dict dict-freedict-eng-rus); translating with the glossary only',
          );
        }
        logger.log(
          `indexed ${dictionary.size} Russian words from ${loaded.join(', ') || 'no dictionary'} in ${Date.now() - started} ms`,
        );
        return new RussianTranslator(dictionary);
      },
    },
  ],
  exports: [RussianTranslator],
})
export class TranslationModule {}
