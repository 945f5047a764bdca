import { Injectable } from '@nestjs/common';
import { cleanPrompt, composePrompt, detectPlatformAndGoal, type PromptOperation } from '../prompt-rules';

export interface Enhancement {
  cleaned: string;
  enhanced: string;
  platform: string;
  goal: string;
  operations: PromptOperation[];
  enhancer: string;
}

export const RULES_ENHANCER = 'rules@1';

/** First honest enhancer: cleans the text, detects platform and goal by rules, appends matching style guidance. */
@Injectable()
export class PromptEnhancer {
  enhance(raw: string, opts: { platformHint?: string; autoEnhance: boolean }): Enhancement {
    const cleaned = cleanPrompt(raw);
    const detection = detectPlatformAndGoal(cleaned.text, opts.platformHint || undefined);
    const composed = opts.autoEnhance
      ? composePrompt(cleaned.text, detection)
      : { prompt: cleaned.text, operations: [] };
    return {
      cleaned: cleaned.text,
      enhanced: composed.prompt,
      platform: detection.platform,
      goal: detection.goal,
      operations: [
        ...cleaned.operations,
        {
          name: 'detect',
          detail: `platform=${detection.platform} goal=${detection.goal} (${detection.matched.join(', ') || 'no rule matched'})`,
        },
        ...composed.operations,
      ],
      enhancer: RULES_ENHANCER,
    };
  }
}
