import { z } from 'zod';
import { TransientBackendError } from './enhancement-backend';
import { LlmChatBackend, type ChatMessage } from './llm-chat-backend';

const OPENAI_CHAT = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

/** Any OpenAI-compatible `POST /v1/chat/completions` (OpenAI, vLLM, llama.cpp server, LM Studio …). */
export class OpenAiBackend extends LlmChatBackend {
  get name(): string {
    return `openai:${this.options.model}`;
  }

  protected async chat(messages: ChatMessage[], signal: AbortSignal): Promise<string> {
    const body = await this.postJson(
      '/v1/chat/completions',
      { model: this.options.model, messages, temperature: 0.2, response_format: { type: 'json_object' } },
      signal,
      this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
    );
    const parsed = OPENAI_CHAT.safeParse(body);
    const content = parsed.success ? parsed.data.choices[0]?.message.content : undefined;
    if (!content)
      throw new TransientBackendError(this.name, 'malformed_answer', 'no choices[0].message.content in answer');
    return content;
  }
}
