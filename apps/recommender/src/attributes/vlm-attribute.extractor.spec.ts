import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendHttpError } from '@atelier/messaging';
import { AttributeSchema } from './attribute-schema';
import { logprobConfidences, VlmAttributeExtractor } from './vlm-attribute.extractor';

const schema = new AttributeSchema();
const photo = { rgb: new Uint8Array(3), width: 1, height: 1, jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) };

/** A fake OpenAI-compatible server: records requests, answers with whatever the test sets. */
class FakeVlmServer {
  requests: Array<{ url: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }> = [];
  reply: (res: ServerResponse) => void = (res) => res.end('{}');
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.requests.push({
          url: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(body) as Record<string, unknown>,
        });
        this.reply(res);
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/v1`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server?.close(() => r()));
  }
}

const completion = (content: string, logprobs?: Array<{ token: string; logprob: number }>) =>
  JSON.stringify({
    choices: [{ message: { role: 'assistant', content }, logprobs: logprobs ? { content: logprobs } : null }],
  });

describe('vlm extractor against an OpenAI-compatible server (contract)', () => {
  const server = new FakeVlmServer();
  let extractor: VlmAttributeExtractor;

  beforeAll(async () => {
    const baseUrl = await server.start();
    extractor = new VlmAttributeExtractor(schema, { baseUrl, apiKey: 'sk-test', model: 'qwen2.5-vl', timeoutMs: 5000 });
  });
  afterAll(() => server.stop());

  it('sends the photo as a data URL with the schema as structured output, and keeps only schema values', async () => {
    const content = JSON.stringify({
      attributes: [
        { name: 'hair_colour', value: 'light brown', confidence: 0.7 },
        { name: 'vibe', value: 'casual', confidence: 0.9 },
        { name: 'hair_colour', value: 'turquoise-ish', confidence: 0.9 },
        { name: 'mood', value: 'happy', confidence: 0.9 },
      ],
    });
    server.reply = (res) => res.setHeader('content-type', 'application/json').end(completion(content));
    const result = await extractor.extract(photo);
    expect(result.attributes).toEqual([
      { name: 'hair_colour', value: 'light brown', confidence: 0.7, source: 'vlm' },
      { name: 'vibe', value: 'casual', confidence: 0.9, source: 'vlm' },
    ]);
    const req = server.requests.at(-1);
    expect(req?.url).toBe('/v1/chat/completions');
    expect(req?.headers.authorization).toBe('Bearer sk-test');
    expect(req?.body.model).toBe('qwen2.5-vl');
    expect(JSON.stringify(req?.body.messages)).toContain('data:image/jpeg;base64,/9j/2Q==');
    const format = req?.body.response_format as { type: string; json_schema: { schema: { required: string[] } } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.schema.required).toEqual(['attributes']);
  });

  it('takes confidences from token log-probabilities when the server returns them', async () => {
    const content = '{"attributes":[{"name":"gender","value":"female","confidence":0.99}]}';
    const tokens = ['{"attributes":[{"name":"', 'gender', '","value":"', 'fem', 'ale', '","confidence":0.99}]}'];
    const logprobs = tokens.map((token) => ({
      token,
      logprob: token === 'fem' ? Math.log(0.8) : token === 'ale' ? Math.log(0.9) : 0,
    }));
    server.reply = (res) => res.end(completion(content, logprobs));
    const result = await extractor.extract(photo);
    expect(result.attributes[0].confidence).toBeCloseTo(0.72, 5);
    expect(logprobConfidences(content, null, [{ value: 'female' }])).toEqual([undefined]);
  });

  it('accepts a fenced JSON answer and rejects one outside the schema', async () => {
    server.reply = (res) =>
      res.end(completion('```json\n{"attributes":[{"name":"setting","value":"beach","confidence":0.6}]}\n```'));
    expect((await extractor.extract(photo)).attributes).toEqual([expect.objectContaining({ value: 'beach' })]);
    server.reply = (res) => res.end(completion('I think she is happy'));
    await expect(extractor.extract(photo)).rejects.toThrow(/does not match the attribute schema/);
  });

  it('reports HTTP errors as BackendHttpError with the status (a 401 is not retried)', async () => {
    server.reply = (res) => res.writeHead(401).end('{"error":"bad key"}');
    await expect(extractor.extract(photo)).rejects.toEqual(
      expect.objectContaining({ name: 'BackendHttpError', status: 401 }),
    );
    await expect(extractor.extract(photo)).rejects.toBeInstanceOf(BackendHttpError);
  });
});
