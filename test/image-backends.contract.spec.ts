import type { IncomingMessage, ServerResponse } from 'node:http';
import sharp from 'sharp';
import { loadConfig, type ServiceConfig } from '@atelier/config';
import { BackendHttpError, FatalError, classifyFailure, failureCode } from '@atelier/messaging';
import { A1111Backend } from '../apps/generator/src/backends/a1111.backend';
import { HfInferenceBackend } from '../apps/generator/src/backends/hf-inference.backend';
import type { ImageBackend, ImageRequest } from '../apps/generator/src/backends/image-backend';
import { OpenAiImagesBackend } from '../apps/generator/src/backends/openai-images.backend';
import { BackendHttpClient, BackendTimeoutError } from '../apps/generator/src/http/backend-http-client';
import { normaliseImage, type NormalisedImage } from '../apps/generator/src/images/image-normaliser';
import { startFakeHttpServer, type FakeHttpServer } from './support/fake-http-server';

/**
 * Contract tests of the HTTP image backends against a local server speaking each API: success, 401, 404,
 * 429 with Retry-After, 503, garbage bytes, and an answer slower than the timeout. The HTTP client's sleep is
 * replaced by a recorder, so the waits it would take are asserted without taking them.
 */

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

// Generous enough for a busy 2-core CI machine; the slow-answer test waits past it on purpose.
const TIMEOUT_MS = 1500;
const BASE_DELAY_MS = 250;

let server: FakeHttpServer;
let handler: Handler;
const pending = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = await startFakeHttpServer((req, body, res) => handler(req, body, res));
});
afterAll(async () => {
  for (const t of pending) clearTimeout(t);
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

const png = (width: number, height: number, colour = '#c04020'): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();

const jpeg = (width: number, height: number): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#2060c0' } })
    .jpeg()
    .withMetadata({ exif: { IFD0: { Copyright: 'fake backend' } } })
    .toBuffer();

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function config(over: Record<string, string> = {}): ServiceConfig<'generator'> {
  return loadConfig('generator', {
    HF_API_URL: `${server.url}/hf-inference`,
    HF_API_TOKEN: 'hf_test_token',
    HF_MODEL: 'stabilityai/sdxl-turbo',
    OPENAI_IMAGES_URL: server.url,
    OPENAI_IMAGES_API_KEY: 'sk-test',
    OPENAI_IMAGES_MODEL: 'gpt-image-1',
    A1111_URL: server.url,
    A1111_AUTH: 'user:secret',
    A1111_MODEL: 'v1-5-pruned-emaonly',
    ...over,
  });
}

function client(sleeps: number[]): BackendHttpClient {
  return new BackendHttpClient(
    { timeoutMs: TIMEOUT_MS, retries: 2, baseDelayMs: BASE_DELAY_MS, maxRetryWaitMs: 10_000, maxBodyBytes: 8 << 20 },
    async (ms) => {
      sleeps.push(ms);
    },
  );
}

const request = (over: Partial<ImageRequest> = {}): ImageRequest => ({
  prompt: 'autumn coffee banner',
  n: 1,
  width: 512,
  height: 512,
  steps: 2,
  guidance: 0,
  seed: 42n,
  platform: '',
  creative: { title: '', price: '', discount: '', brandPalette: [] },
  ...over,
});

const limits = { maxInputBytes: 4 << 20, maxInputPixels: 4096 * 4096 };

async function generate(backend: ImageBackend, req: ImageRequest): Promise<NormalisedImage[]> {
  const out = await backend.generate(req);
  return Promise.all(out.images.map((i) => normaliseImage(i.data, req, limits)));
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

interface Api {
  name: string;
  path: RegExp;
  make(sleeps: number[], cfg?: ServiceConfig<'generator'>): ImageBackend;
  /** The env key of its credentials and the Authorization header they become. */
  credentials: { env: string; header: string };
  /** The Accept header it sends. */
  accept: string;
  /** Answers a successful call with images of the given size. */
  succeed(res: ServerResponse, body: string, width: number, height: number): Promise<void>;
  /** Answers 200 with bytes that are not an image, in the API's own envelope. */
  garbage(res: ServerResponse): void;
  req: ImageRequest;
}

const APIS: Api[] = [
  {
    name: 'hf',
    path: /^\/hf-inference\/models\/stabilityai\/sdxl-turbo$/,
    make: (sleeps, cfg = config()) => new HfInferenceBackend(cfg, client(sleeps)),
    credentials: { env: 'HF_API_TOKEN', header: 'Bearer hf_test_token' },
    accept: 'image/png',
    async succeed(res, _body, width, height) {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(await jpeg(width, height));
    },
    garbage(res) {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from('\u0089PNG but not really, just bytes \u0000\u00ff\u00fe'));
    },
    req: request(),
  },
  {
    name: 'openai',
    path: /^\/v1\/images\/generations$/,
    make: (sleeps, cfg = config()) => new OpenAiImagesBackend(cfg, client(sleeps)),
    credentials: { env: 'OPENAI_IMAGES_API_KEY', header: 'Bearer sk-test' },
    accept: '*/*',
    async succeed(res, body, width, height) {
      const n = (JSON.parse(body) as { n: number }).n;
      const images = await Promise.all(Array.from({ length: n }, () => png(width, height)));
      json(res, 200, { created: 1, data: images.map((b) => ({ b64_json: b.toString('base64') })) });
    },
    garbage(res) {
      json(res, 200, { data: [{ b64_json: Buffer.from('definitely not an image').toString('base64') }] });
    },
    req: request({ n: 2, width: 256, height: 256 }),
  },
  {
    name: 'a1111',
    path: /^\/sdapi\/v1\/txt2img$/,
    make: (sleeps, cfg = config()) => new A1111Backend(cfg, client(sleeps)),
    credentials: { env: 'A1111_AUTH', header: `Basic ${Buffer.from('user:secret').toString('base64')}` },
    accept: '*/*',
    async succeed(res, body, width, height) {
      const parsed = JSON.parse(body) as { batch_size: number; seed: number };
      const images = await Promise.all(
        Array.from({ length: parsed.batch_size }, (_, i) => png(width, height, i % 2 ? '#101010' : '#f0f0f0')),
      );
      const grid = parsed.batch_size > 1 ? [await png(width * 2, height)] : [];
      json(res, 200, {
        images: [...grid, ...images].map((b) => b.toString('base64')),
        parameters: parsed,
        info: JSON.stringify({
          all_seeds: images.map((_, i) => parsed.seed + i),
          sd_model_name: 'v1-5-pruned-emaonly',
        }),
      });
    },
    garbage(res) {
      json(res, 200, { images: ['bm90IGFuIGltYWdl'], info: '{}' });
    },
    req: request({ n: 2, width: 512, height: 768, steps: 25, guidance: 6.5 }),
  },
];

describe.each(APIS)('$name backend contract', (api) => {
  it('draws the requested images, normalised to PNG of the requested size', async () => {
    handler = (_req, body, res) => void api.succeed(res, body, api.req.width, api.req.height);
    const sleeps: number[] = [];
    const images = await generate(api.make(sleeps), api.req);
    expect(images).toHaveLength(api.req.n);
    for (const img of images) {
      const meta = await sharp(img.png).metadata();
      expect([meta.format, meta.width, meta.height, meta.space]).toEqual([
        'png',
        api.req.width,
        api.req.height,
        'srgb',
      ]);
      expect(meta.exif).toBeUndefined();
      expect(img.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(server.requests).toHaveLength(api.name === 'hf' ? api.req.n : 1);
    expect(server.requests[0].path).toMatch(api.path);
    expect(server.requests[0].method).toBe('POST');
    expect(sleeps).toEqual([]);
  });

  it('POSTs JSON with its credentials, and no Authorization header when none are configured', async () => {
    const seen: Array<Record<string, string | undefined>> = [];
    handler = (req, body, res) => {
      const { authorization, accept } = req.headers;
      seen.push({ type: req.headers['content-type'], authorization, accept });
      void api.succeed(res, body, api.req.width, api.req.height);
    };
    const one = { ...api.req, n: 1 };
    await api.make([]).generate(one);
    await api.make([], config({ [api.credentials.env]: '' })).generate(one);
    expect(seen).toEqual([
      { type: 'application/json', authorization: api.credentials.header, accept: api.accept },
      { type: 'application/json', authorization: undefined, accept: api.accept },
    ]);
  });

  it('treats 401 as fatal and calls once', async () => {
    handler = (_req, _body, res) => json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const err = await failure(api.make([]).generate(api.req));
    expect(err).toBeInstanceOf(BackendHttpError);
    expect(classifyFailure(err)).toBe('fatal');
    expect(failureCode(err)).toBe('backend_unauthorized');
    expect(err.message).toContain('401');
    expect(server.requests).toHaveLength(1);
  });

  it('treats 404 as fatal and calls once', async () => {
    handler = (_req, _body, res) => json(res, 404, { error: 'Model not found' });
    const err = await failure(api.make([]).generate(api.req));
    expect(classifyFailure(err)).toBe('fatal');
    expect(failureCode(err)).toBe('backend_not_found');
    expect(server.requests).toHaveLength(1);
  });

  it('retries 429 after the Retry-After it was given, then succeeds', async () => {
    let calls = 0;
    handler = (_req, body, res) => {
      calls++;
      if (calls === 1) json(res, 429, { error: 'rate limited' }, { 'retry-after': '3' });
      else void api.succeed(res, body, api.req.width, api.req.height);
    };
    const sleeps: number[] = [];
    const images = await generate(api.make(sleeps), { ...api.req, n: 1 });
    expect(images).toHaveLength(1);
    expect(sleeps).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
  });

  it('retries 503 with backoff and gives up as a transient failure', async () => {
    handler = (_req, _body, res) => json(res, 503, { error: 'overloaded' });
    const sleeps: number[] = [];
    const err = await failure(api.make(sleeps).generate(api.req));
    expect(err).toBeInstanceOf(BackendHttpError);
    expect(classifyFailure(err)).toBe('transient');
    expect(failureCode(err)).toBe('backend_unavailable');
    expect(sleeps).toEqual([BASE_DELAY_MS, BASE_DELAY_MS * 2]);
    expect(server.requests).toHaveLength(3);
  });

  it('rejects garbage bytes as a fatal error with a reason', async () => {
    handler = (_req, _body, res) => api.garbage(res);
    const err = await failure(generate(api.make([]), { ...api.req, n: 1 }));
    expect(err).toBeInstanceOf(FatalError);
    expect(classifyFailure(err)).toBe('fatal');
    expect((err as FatalError).code).toBe('backend_not_an_image');
    expect(err.message).toMatch(/not an image/);
  });

  it('gives up on an answer slower than the timeout as a transient failure', async () => {
    handler = (_req, body, res) => {
      const t = setTimeout(() => {
        pending.delete(t);
        void api.succeed(res, body, api.req.width, api.req.height).catch(() => undefined);
      }, TIMEOUT_MS * 3);
      pending.add(t);
    };
    const err = await failure(api.make([]).generate(api.req));
    expect(err).toBeInstanceOf(BackendTimeoutError);
    expect(classifyFailure(err)).toBe('transient');
    expect(err.message).toBe(`${api.name} did not answer within ${TIMEOUT_MS} ms`);
  });
});

describe('hf request shape', () => {
  it('sends the prompt, sdxl-turbo parameters, seed per image and the token', async () => {
    const auth: string[] = [];
    handler = (req, body, res) => {
      auth.push(String(req.headers.authorization));
      void APIS[0].succeed(res, body, 512, 512);
    };
    const out = await new HfInferenceBackend(config(), client([])).generate(request({ seed: 7n, n: 2 }));
    expect(out.model).toBe('stabilityai/sdxl-turbo');
    expect(out.images.map((i) => i.seed)).toEqual([7n, 8n]);
    expect(auth).toEqual(['Bearer hf_test_token', 'Bearer hf_test_token']);
    expect(server.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      {
        inputs: 'autumn coffee banner',
        parameters: { num_inference_steps: 2, guidance_scale: 0, width: 512, height: 512, seed: 7 },
      },
      {
        inputs: 'autumn coffee banner',
        parameters: { num_inference_steps: 2, guidance_scale: 0, width: 512, height: 512, seed: 8 },
      },
    ]);
  });

  it('waits the estimated_time of a "model loading" 503', async () => {
    let calls = 0;
    handler = (_req, body, res) => {
      calls++;
      if (calls === 1) json(res, 503, { error: 'Model is currently loading', estimated_time: 8.5 });
      else void APIS[0].succeed(res, body, 512, 512);
    };
    const sleeps: number[] = [];
    await new HfInferenceBackend(config(), client(sleeps)).generate(request());
    expect(sleeps).toEqual([8500]);
  });

  it('refuses a JSON answer where an image was expected', async () => {
    handler = (_req, _body, res) => json(res, 200, { error: 'unexpected' });
    const err = await failure(new HfInferenceBackend(config(), client([])).generate(request()));
    expect((err as FatalError).code).toBe('backend_bad_answer');
  });
});

describe('a1111 request shape', () => {
  it('sends txt2img parameters, drops the grid and keeps the seeds and model the server reports', async () => {
    handler = (req, body, res) => {
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`);
      void APIS[2].succeed(res, body, 512, 768);
    };
    const req = request({ n: 3, width: 512, height: 768, steps: 25, guidance: 6.5, seed: 1000n });
    const out = await new A1111Backend(config(), client([])).generate(req);
    expect(out.images).toHaveLength(3);
    expect(out.images.map((i) => i.seed)).toEqual([1000n, 1001n, 1002n]);
    expect(out.model).toBe('v1-5-pruned-emaonly');
    expect(JSON.parse(server.requests[0].body)).toMatchObject({
      prompt: 'autumn coffee banner',
      steps: 25,
      cfg_scale: 6.5,
      width: 512,
      height: 768,
      seed: 1000,
      batch_size: 3,
      sampler_name: 'Euler a',
      override_settings: { sd_model_checkpoint: 'v1-5-pruned-emaonly' },
    });
    const metas = await Promise.all(out.images.map((i) => normaliseImage(i.data, req, limits)));
    expect(metas.map((m) => [m.width, m.height])).toEqual([
      [512, 768],
      [512, 768],
      [512, 768],
    ]);
  });
});

describe('openai request shape', () => {
  it('asks for b64_json at the requested size and reports no seed', async () => {
    handler = (_req, body, res) => void APIS[1].succeed(res, body, 1024, 1024);
    const out = await new OpenAiImagesBackend(config(), client([])).generate(
      request({ n: 1, width: 1024, height: 1024 }),
    );
    expect(out.images.map((i) => i.seed)).toEqual([undefined]);
    expect(JSON.parse(server.requests[0].body)).toEqual({
      model: 'gpt-image-1',
      prompt: 'autumn coffee banner',
      n: 1,
      size: '1024x1024',
      response_format: 'b64_json',
    });
  });

  it('refuses an answer without images', async () => {
    handler = (_req, _body, res) => json(res, 200, { data: [] });
    const err = await failure(new OpenAiImagesBackend(config(), client([])).generate(request()));
    expect((err as FatalError).code).toBe('backend_bad_answer');
  });
});

describe.each([
  { api: APIS[1], message: 'openai images answer is not JSON' },
  { api: APIS[2], message: 'a1111 answer is not JSON' },
])('$api.name answer that is not JSON', ({ api, message }) => {
  it('is fatal (backend_bad_answer) after one call', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>a login page, not the API</html>');
    };
    const err = await failure(api.make([]).generate(api.req));
    expect(err).toBeInstanceOf(FatalError);
    expect([(err as FatalError).code, err.message]).toEqual(['backend_bad_answer', message]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('waits the client will not take', () => {
  it('fails at once when Retry-After is longer than the in-process maximum, leaving it to the queue', async () => {
    handler = (_req, _body, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '3600' });
    const sleeps: number[] = [];
    const err = await failure(new HfInferenceBackend(config(), client(sleeps)).generate(request()));
    expect(failureCode(err)).toBe('backend_rate_limited');
    expect(classifyFailure(err)).toBe('transient');
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('answers beyond the size cap', () => {
  it('are refused as fatal without reading them whole', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.alloc(9 << 20));
    };
    const err = await failure(new HfInferenceBackend(config(), client([])).generate(request()));
    expect((err as FatalError).code).toBe('backend_answer_too_large');
  });
});
