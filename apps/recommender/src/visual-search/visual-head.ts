import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const VISUAL_HEAD_FILE = 'visual-head-v1.json';
const FORMAT = 'atelier-visual-head-v1';

/** One supervised attribute of the training photos (e.g. articleType) and each photo's class index, −1 = unknown. */
export interface HeadTask {
  name: string;
  classes: string[];
  labels: Int32Array;
  /** Weight of this task's loss (default 1). */
  weight?: number;
}

export interface HeadTrainOptions {
  output: number;
  epochs: number;
  batch: number;
  learningRate: number;
  /** Cosine-softmax scale (inverse temperature). */
  scale: number;
  weightDecay: number;
  seed: number;
  log?: (line: string) => void;
}

export const DEFAULT_HEAD_OPTIONS: HeadTrainOptions = {
  output: 64,
  epochs: 25,
  batch: 128,
  learningRate: 0.003,
  scale: 16,
  weightDecay: 1e-4,
  seed: 5,
};

export interface VisualHeadCheckpoint {
  format: typeof FORMAT;
  trainedAt: string;
  input: number;
  output: number;
  /** Row-major output × input. */
  weights: number[];
  tasks: string[];
  /** The held-out rule and how many products trained it, so an evaluation can check its items were never seen. */
  split: { heldOut: string; trainProducts: number; trainIds: string[] };
  metrics: Record<string, number>;
}

/**
 * A metric head over the stored photo embedding (MobileNetV2 + colour histogram): a linear projection to a small
 * unit-length space, trained (`npm run train:visual-head`) with a cosine softmax over learned class proxies of
 * several attributes at once (type, colour, usage, ...), so that cosine similarity there means "same attributes".
 */
export class VisualHead {
  constructor(
    readonly input: number,
    readonly output: number,
    /** Row-major output × input. */
    readonly weights: Float32Array,
  ) {
    if (weights.length !== input * output)
      throw new Error(`visual head: ${weights.length} weights ≠ ${output}×${input}`);
  }

  /** The unit-length projection of one stored embedding. */
  project(x: Float32Array): Float32Array {
    if (x.length !== this.input) throw new Error(`visual head expects ${this.input}-d embeddings, got ${x.length}`);
    const z = new Float32Array(this.output);
    project(this.weights, this.input, this.output, x, z);
    return normalizeInPlace(z);
  }
}

function project(w: Float32Array, din: number, dout: number, x: Float32Array, z: Float32Array): void {
  for (let o = 0; o < dout; o++) {
    let s = 0;
    const row = o * din;
    for (let i = 0; i < din; i++) s += w[row + i] * x[i];
    z[o] = s;
  }
}

function normalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Adam on one flat parameter block. */
class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  constructor(
    private readonly p: Float32Array,
    private readonly lr: number,
    private readonly decay: number,
  ) {
    this.m = new Float32Array(p.length);
    this.v = new Float32Array(p.length);
  }
  step(g: Float32Array): void {
    this.t++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    for (let i = 0; i < this.p.length; i++) {
      const gi = g[i] + this.decay * this.p[i];
      this.m[i] = b1 * this.m[i] + (1 - b1) * gi;
      this.v[i] = b2 * this.v[i] + (1 - b2) * gi * gi;
      this.p[i] -= (this.lr * (this.m[i] / c1)) / (Math.sqrt(this.v[i] / c2) + 1e-8);
    }
  }
}

/**
 * Trains the head: z = W·x, u = z/|z|; per task, logits = scale · cos(u, proxy_c); loss = Σ tasks weight ·
 * cross-entropy over the photos that have the task's label. Returns the head and the last epoch's mean loss.
 */
export function trainVisualHead(
  inputs: Float32Array[],
  tasks: HeadTask[],
  options: Partial<HeadTrainOptions> = {},
): { head: VisualHead; loss: number } {
  const o = { ...DEFAULT_HEAD_OPTIONS, ...options };
  const n = inputs.length;
  if (n === 0) throw new Error('visual head: no training photos');
  const din = inputs[0].length;
  const dout = o.output;
  const rand = rng(o.seed);
  const W = new Float32Array(dout * din);
  const std = 1 / Math.sqrt(din);
  for (let i = 0; i < W.length; i++) W[i] = gaussian(rand) * std;
  const proxies = tasks.map((t) => {
    const p = new Float32Array(t.classes.length * dout);
    for (let i = 0; i < p.length; i++) p[i] = gaussian(rand);
    return p;
  });
  const optW = new Adam(W, o.learningRate, o.weightDecay);
  const optP = proxies.map((p) => new Adam(p, o.learningRate * 3, 0));
  const gW = new Float32Array(W.length);
  const gP = proxies.map((p) => new Float32Array(p.length));
  const order = Array.from({ length: n }, (_, i) => i);
  const z = new Float32Array(dout);
  const gu = new Float32Array(dout);
  let lastLoss = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let lossCount = 0;
    for (let start = 0; start < n; start += o.batch) {
      const batch = order.slice(start, start + o.batch);
      gW.fill(0);
      for (const g of gP) g.fill(0);
      // Unit proxies for this step.
      const unit = proxies.map((p, t) => {
        const k = tasks[t].classes.length;
        const u = new Float32Array(p.length);
        const norms = new Float32Array(k);
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let d = 0; d < dout; d++) s += p[c * dout + d] ** 2;
          norms[c] = Math.sqrt(s) || 1;
          for (let d = 0; d < dout; d++) u[c * dout + d] = p[c * dout + d] / norms[c];
        }
        return { u, norms };
      });
      const gUnit = proxies.map((p) => new Float32Array(p.length));
      for (const idx of batch) {
        const x = inputs[idx];
        project(W, din, dout, x, z);
        let zn = 0;
        for (let d = 0; d < dout; d++) zn += z[d] * z[d];
        zn = Math.sqrt(zn) || 1;
        const u = z.map((v) => v / zn);
        gu.fill(0);
        tasks.forEach((task, t) => {
          const y = task.labels[idx];
          if (y < 0) return;
          const weight = task.weight ?? 1;
          const k = task.classes.length;
          const pu = unit[t].u;
          const logits = new Float64Array(k);
          let max = -Infinity;
          for (let c = 0; c < k; c++) {
            let s = 0;
            for (let d = 0; d < dout; d++) s += pu[c * dout + d] * u[d];
            logits[c] = o.scale * s;
            if (logits[c] > max) max = logits[c];
          }
          let sum = 0;
          for (let c = 0; c < k; c++) sum += logits[c] = Math.exp(logits[c] - max);
          lossSum += weight * -Math.log(logits[y] / sum + 1e-12);
          lossCount++;
          for (let c = 0; c < k; c++) {
            const g = (weight * o.scale * (logits[c] / sum - (c === y ? 1 : 0))) / batch.length;
            if (Math.abs(g) < 1e-9) continue;
            for (let d = 0; d < dout; d++) {
              gu[d] += g * pu[c * dout + d];
              gUnit[t][c * dout + d] += g * u[d];
            }
          }
        });
        // Through u = z/|z|: dz = (gu − u·(u·gu)) / |z|; dW = dz ⊗ x.
        let ug = 0;
        for (let d = 0; d < dout; d++) ug += u[d] * gu[d];
        for (let d = 0; d < dout; d++) {
          const dz = (gu[d] - u[d] * ug) / zn;
          if (dz === 0) continue;
          const row = d * din;
          for (let i = 0; i < din; i++) gW[row + i] += dz * x[i];
        }
      }
      // Proxy gradients through their normalisation.
      proxies.forEach((p, t) => {
        const k = tasks[t].classes.length;
        const { u, norms } = unit[t];
        for (let c = 0; c < k; c++) {
          let dotg = 0;
          for (let d = 0; d < dout; d++) dotg += u[c * dout + d] * gUnit[t][c * dout + d];
          for (let d = 0; d < dout; d++)
            gP[t][c * dout + d] = (gUnit[t][c * dout + d] - u[c * dout + d] * dotg) / norms[c];
        }
        optP[t].step(gP[t]);
      });
      optW.step(gW);
    }
    lastLoss = lossSum / Math.max(1, lossCount);
    o.log?.(`  epoch ${epoch + 1}/${o.epochs}: loss ${lastLoss.toFixed(4)}`);
  }
  return { head: new VisualHead(din, dout, W), loss: lastLoss };
}

export async function saveVisualHead(
  dir: string,
  head: VisualHead,
  meta: Pick<VisualHeadCheckpoint, 'tasks' | 'split' | 'metrics'>,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, VISUAL_HEAD_FILE);
  const checkpoint: VisualHeadCheckpoint = {
    format: FORMAT,
    trainedAt: new Date().toISOString(),
    input: head.input,
    output: head.output,
    weights: Array.from(head.weights, (w) => Math.round(w * 1e6) / 1e6),
    ...meta,
  };
  await writeFile(`${file}.tmp`, JSON.stringify(checkpoint));
  await rename(`${file}.tmp`, file);
  return file;
}

/** The head in `dir`, or undefined when none was trained; a malformed file throws. */
export function loadVisualHead(
  dir: string,
  input: number,
): { head: VisualHead; checkpoint: VisualHeadCheckpoint } | undefined {
  const file = join(dir, VISUAL_HEAD_FILE);
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<VisualHeadCheckpoint>;
  if (raw.format !== FORMAT || !Array.isArray(raw.weights) || !raw.input || !raw.output) {
    throw new Error(`${file} is not an ${FORMAT} checkpoint`);
  }
  if (raw.input !== input) throw new Error(`${file} projects ${raw.input}-d embeddings, the photos have ${input}`);
  return {
    head: new VisualHead(raw.input, raw.output, Float32Array.from(raw.weights)),
    checkpoint: raw as VisualHeadCheckpoint,
  };
}
