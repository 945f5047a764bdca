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

export class MeshClient {
  constructor(private readonly baseUrl: string) {}

  /** Diverse top-k (POST /v1/generations/{id}/select?k=). */
  async select(
    userId: string,
    id: string,
    k: number,
  ): Promise<{
    status: number;
    body: { k?: number; images?: Array<{ index: number; rank: number }>; diversity?: number; coverage?: number };
  }> {
    const res = await fetch(`${this.baseUrl}/v1/generations/${id}/select?k=${k}`, {
      method: 'POST',
      headers: { 'x-user-id': userId },
    });
    return { status: res.status, body: (await res.json()) as { k?: number } };
  }

  async submit(
    userId: string,
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: { id?: string; error?: { code: string } } }> {
    const res = await fetch(`${this.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': userId },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { id?: string; error?: { code: string } } };
  }

  async get(userId: string, id: string): Promise<{ status: number; body: GenerationView }> {
    const res = await fetchIdempotent(`${this.baseUrl}/v1/generations/${id}`, { headers: { 'x-user-id': userId } });
    return { status: res.status, body: (await res.json()) as GenerationView };
  }

  async image(
    userId: string,
    id: string,
    rank: number,
  ): Promise<{ status: number; bytes: Buffer; type: string | null }> {
    const res = await fetch(`${this.baseUrl}/v1/generations/${id}/images/${rank}`, {
      headers: { 'x-user-id': userId },
    });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
  }

  /** Polls until the generation reaches a terminal status. */
  async waitForTerminal(userId: string, id: string, timeoutMs = 60000, intervalMs = 25): Promise<GenerationView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await this.get(userId, id);
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
