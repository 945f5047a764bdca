import { z } from 'zod';
import { TransientBackendError } from './enhancement-backend';
import { LlmChatBackend, type ChatMessage } from './llm-chat-backend';

const OLLAMA_CHAT = z.object({ message: z.object({ content: z.string() }) });

/** Ollama's native chat API (`POST /api/chat`, non-streaming, JSON mode). */
export class OllamaBackend extends LlmChatBackend {
  get name(): string {
    return `ollama:${this.options.model}`;
  }

  protected async chat(messages: ChatMessage[], signal: AbortSignal): Promise<string> {
    const body = await this.postJson(
      '/api/chat',
      { model: this.options.model, messages, stream: false, format: 'json', options: { temperature: 0.2 } },
      signal,
    );
    const parsed = OLLAMA_CHAT.safeParse(body);
    if (!parsed.success) throw new TransientBackendError(this.name, 'malformed_answer', 'no message.content in answer');
    return parsed.data.message.content;
  }
}
