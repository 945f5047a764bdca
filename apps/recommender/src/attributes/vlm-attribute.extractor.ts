import { z } from 'zod';
import { BackendHttpError } from '@atelier/messaging';
import type { AttributeSchema } from './attribute-schema';
import {
  clamp01,
  type AttributeExtractor,
  type AttributeValue,
  type DecodedPhoto,
  type ExtractionResult,
} from './attribute-extractor';

export interface VlmOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

const ReplySchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string() }),
        logprobs: z
          .object({
            content: z
              .array(z.object({ token: z.string(), logprob: z.number() }))
              .nullable()
              .optional(),
          })
          .nullable()
          .optional(),
      }),
    )
    .min(1),
});

const AnswerSchema = z.object({
  attributes: z
    .array(z.object({ name: z.string(), value: z.string(), confidence: z.number().min(0).max(1).optional() }))
    .max(64),
});

/** The JSON schema the model must answer with (structured output), built from the attribute schema. */
export function vlmResponseSchema(schema: AttributeSchema): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['attributes'],
    properties: {
      attributes: {
        type: 'array',
        items: {
          anyOf: schema.attributes.map((a) => ({
            type: 'object',
            additionalProperties: false,
            required: ['name', 'value', 'confidence'],
            properties: {
              name: { const: a.name },
              value: { enum: a.values.map((v) => v.value) },
              confidence: { type: 'number', minimum: 0, maximum: 1 },
            },
          })),
        },
      },
    },
  };
}

function prompt(schema: AttributeSchema): string {
  const lines = schema.attributes.map(
    (a) => `- ${a.name}${a.multi ? ' (several allowed)' : ''}: ${a.values.map((v) => v.value).join(' | ')}`,
  );
  return [
    'Describe the photo with these attributes. Use only the listed values; omit an attribute you cannot see',
    '(no face → no age, gender or expression). Give each value a confidence in [0, 1].',
    ...lines,
    'Answer with JSON: {"attributes": [{"name": ..., "value": ..., "confidence": ...}]}',
  ].join('\n');
}

/**
 * Confidence of each answered value from token log-probabilities: the joint probability of the tokens that spell
 * the value inside the JSON text (the model's own belief in those characters). Undefined without logprobs.
 */
export function logprobConfidences(
  content: string,
  tokens: Array<{ token: string; logprob: number }> | null | undefined,
  answers: Array<{ value: string }>,
): Array<number | undefined> {
  if (!tokens?.length || tokens.map((t) => t.token).join('') !== content) return answers.map(() => undefined);
  const starts: number[] = [];
  let pos = 0;
  for (const t of tokens) {
    starts.push(pos);
    pos += t.token.length;
  }
  let cursor = 0;
  return answers.map(({ value }) => {
    const at = content.indexOf(`"${value}"`, cursor);
    if (at < 0) return undefined;
    cursor = at + value.length + 2;
    const [from, to] = [at + 1, at + 1 + value.length];
    let sum = 0;
    tokens.forEach((t, i) => {
      const s = starts[i];
      if (s < to && s + t.token.length > from) sum += t.logprob;
    });
    return Math.exp(sum);
  });
}

/**
 * Attributes from any OpenAI-compatible vision chat endpoint (vLLM serving Qwen2.5-VL, llama.cpp, OpenAI):
 * the photo as a data URL, structured output constrained to the schema, the answer validated (unknown names or
 * values are dropped), confidences from token log-probabilities when the server returns them, else the model's
 * own numbers.
 */
export class VlmAttributeExtractor implements AttributeExtractor {
  readonly name = 'vlm';

  constructor(
    private readonly schema: AttributeSchema,
    private readonly options: VlmOptions,
  ) {}

  async extract(photo: DecodedPhoto): Promise<ExtractionResult> {
    const url = `${this.options.baseUrl.replace(/\/$/, '')}/chat/completions`;
    const res = await fetch(url, {
      method: 'POST',
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: {
        'content-type': 'application/json',
        ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.options.model,
        temperature: 0,
        logprobs: true,
        max_tokens: 800,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'photo_attributes', strict: true, schema: vlmResponseSchema(this.schema) },
        },
        messages: [
          { role: 'system', content: prompt(this.schema) },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Extract the attributes of this photo.' },
              { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${photo.jpeg.toString('base64')}` } },
            ],
          },
        ],
      }),
    });
    const text = await res.text();
    if (!res.ok) {
      // 4xx other than 408/429 cannot be fixed by retrying (bad key, unknown model); BackendHttpError says so.
      throw new BackendHttpError('vlm', res.status, text.slice(0, 300));
    }
    const reply = ReplySchema.safeParse(safeJson(text));
    if (!reply.success) throw new Error(`vlm: malformed chat completion: ${reply.error.message.slice(0, 300)}`);
    const choice = reply.data.choices[0];
    const answer = AnswerSchema.safeParse(safeJson(stripFence(choice.message.content)));
    if (!answer.success)
      throw new Error(`vlm: answer does not match the attribute schema: ${answer.error.message.slice(0, 300)}`);
    const valid = answer.data.attributes.filter((a) => this.schema.has(a.name, a.value));
    const fromLogprobs = logprobConfidences(choice.message.content, choice.logprobs?.content, valid);
    const attributes: AttributeValue[] = valid.map((a, i) => ({
      name: a.name,
      value: a.value,
      confidence: clamp01(fromLogprobs[i] ?? a.confidence ?? 0.5),
      source: this.name,
    }));
    return { attributes };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function stripFence(text: string): string {
  const m = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(text.trim());
  return m ? m[1] : text;
}
