/** A small client of the gateway's public API, used by the start command, tests and benchmarks. */
export interface GenerationView {
  id: string;
  status: string;
  prompt: string;
  cleanedPrompt: string | null;
  enhancedPrompt: string | null;
  enhancement: { platform: string; goal: string; operations: Array<{ name: string; detail: string }> } | null;
  backend: string | null;
  scorer: { name: string; version: string } | null;
  images: Array<{
    rank: number;
    index: number;
    score: number;
    width: number;
    height: number;
    url: string;
    metrics: Record<string, number>;
    best?: boolean;
    validation?: { consistency: number; outlierScore: number; outlier: boolean; rejected: boolean; reasons: string[] };
    diversityOrder?: number;
  }>;
  judging?: {
    validationSummary: string;
    weights: { fidelity: number; aesthetic: number };
    diversity: { order: number[]; diversity: number[]; coverage: number[]; method: string } | null;
  } | null;
  failure: { stage: string; code: string; reason: string } | null;
  steps: Array<{ event: string; status: string; at: string }>;
}

export const TERMINAL = new Set(['completed', 'failed', 'rejected']);

/**
 * Who calls: a user id sent as the development header `x-user-id` (accepted only where ALLOW_DEV_USER_HEADER
 * is on, never in production), or an access token from `login` sent as `Authorization: Bearer`.
 */
export type Identity = string | { accessToken: string };

const authHeaders = (who: Identity): Record<string, string> =>
  typeof who === 'string' ? { 'x-user-id': who } : { authorization: `Bearer ${who.accessToken}` };

export class MeshClient {
  constructor(private readonly baseUrl: string) {}

  /** Diverse top-k (POST /v1/generations/{id}/select?k=). */
  async select(
    who: Identity,
    id: string,
    k: number,
  ): Promise<{
    status: number;
    body: { k?: number; images?: Array<{ index: number; rank: number }>; diversity?: number; coverage?: number };
  }> {
    const res = await fetch(`${this.baseUrl}/v1/generations/${id}/select?k=${k}`, {
      method: 'POST',
      headers: authHeaders(who),
    });
    return { status: res.status, body: (await res.json()) as { k?: number } };
  }

  /** Creates an account (201) — 409 when the e-mail is taken. */
  async register(email: string, password: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return { status: res.status, body: await res.json() };
  }

  /** Logs in and returns the Bearer identity; throws on anything but 200. */
  async login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await fetch(`${this.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await res.json()) as { accessToken?: string; refreshToken?: string };
    if (res.status !== 200 || !body.accessToken || !body.refreshToken) {
      throw new Error(`login failed: HTTP ${res.status} ${JSON.stringify(body)}`);
    }
    return { accessToken: body.accessToken, refreshToken: body.refreshToken };
  }

  async submit(
    who: Identity,
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: { id?: string; error?: { code: string } } }> {
    const res = await fetch(`${this.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(who) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { id?: string; error?: { code: string } } };
  }

  async get(who: Identity, id: string): Promise<{ status: number; body: GenerationView }> {
    const res = await fetchIdempotent(`${this.baseUrl}/v1/generations/${id}`, { headers: authHeaders(who) });
    return { status: res.status, body: (await res.json()) as GenerationView };
  }

  async image(
    who: Identity,
    id: string,
    rank: number,
  ): Promise<{ status: number; bytes: Buffer; type: string | null }> {
    const res = await fetch(`${this.baseUrl}/v1/generations/${id}/images/${rank}`, { headers: authHeaders(who) });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
  }

  /** Polls until the generation reaches a terminal status. */
  async waitForTerminal(who: Identity, id: string, timeoutMs = 60000, intervalMs = 25): Promise<GenerationView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await this.get(who, id);
      if (status !== 200) throw new Error(`generation ${id}: HTTP ${status} ${JSON.stringify(body)}`);
      if (TERMINAL.has(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`generation ${id} still ${body.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/**
 * GET with one retry on a connection-level failure: a pooled keep-alive socket can be closed by the server
 * just as it is reused ("other side closed"); for an idempotent read the right answer is to ask again.
 */
async function fetchIdempotent(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    await new Promise((r) => setTimeout(r, 50));
    return fetch(url, init);
  }
}
