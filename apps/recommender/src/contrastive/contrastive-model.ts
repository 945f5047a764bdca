/**
 * Two projection towers (image features → d, text features → d) trained with the symmetric InfoNCE loss
 * (CLIP-style: in-batch negatives, learnable temperature, Adam). Plain Float32Array math: the models are small
 * (a linear or one-hidden-layer head per modality), so a few thousand pairs train on a CPU in minutes.
 */

export interface TowerShape {
  input: number;
  /** 0 = linear head; otherwise one ReLU hidden layer of this width. */
  hidden: number;
  output: number;
}

export interface ContrastiveOptions {
  image: TowerShape;
  text: TowerShape;
  /** Initial temperature (CLIP: 0.07). */
  temperature?: number;
  learnTemperature?: boolean;
  learningRate?: number;
  weightDecay?: number;
  seed?: number;
}

/** Deterministic PRNG (mulberry32) so training runs and tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** C[n×m] = A[n×k] · B[k×m] (row-major), i-k-j loop order for contiguous inner access. */
function matmul(a: Float32Array, b: Float32Array, n: number, k: number, m: number, c = new Float32Array(n * m)) {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      if (av === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) c[ci + j] += av * b[bp + j];
    }
  }
  return c;
}

/** C[k×m] = Aᵀ · B where A is n×k and B is n×m. */
function matmulTA(a: Float32Array, b: Float32Array, n: number, k: number, m: number): Float32Array {
  const c = new Float32Array(k * m);
  for (let i = 0; i < n; i++) {
    const bi = i * m;
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      if (av === 0) continue;
      const cp = p * m;
      for (let j = 0; j < m; j++) c[cp + j] += av * b[bi + j];
    }
  }
  return c;
}

/** C[n×k] = A · Bᵀ where A is n×m and B is k×m. */
function matmulTB(a: Float32Array, b: Float32Array, n: number, m: number, k: number): Float32Array {
  const c = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const ai = i * m;
    for (let j = 0; j < k; j++) {
      const bj = j * m;
      let s = 0;
      for (let p = 0; p < m; p++) s += a[ai + p] * b[bj + p];
      c[i * k + j] = s;
    }
  }
  return c;
}

interface Param {
  value: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
  decay: boolean;
}

function param(value: Float32Array, decay: boolean): Param {
  const n = value.length;
  return { value, grad: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n), decay };
}

interface Layer {
  w: Param;
  b: Param;
  inDim: number;
  outDim: number;
}

function layer(inDim: number, outDim: number, random: () => number): Layer {
  // He/Xavier-style scale keeps activations of unit-variance inputs near unit variance.
  const scale = Math.sqrt(2 / (inDim + outDim));
  const w = new Float32Array(inDim * outDim);
  for (let i = 0; i < w.length; i++) w[i] = gaussian(random) * scale;
  return { w: param(w, true), b: param(new Float32Array(outDim), false), inDim, outDim };
}

interface TowerCache {
  x: Float32Array;
  h?: Float32Array;
  z: Float32Array;
  norms: Float32Array;
  e: Float32Array;
}

/** Standardise → [Linear → ReLU] → Linear → L2-normalise. */
export class ProjectionTower {
  readonly layers: Layer[];
  /** Per-dimension mean and 1/std of the training inputs (z-scoring centres the non-negative CNN features). */
  mean: Float32Array;
  invStd: Float32Array;

  constructor(
    readonly shape: TowerShape,
    random: () => number,
  ) {
    this.layers =
      shape.hidden > 0
        ? [layer(shape.input, shape.hidden, random), layer(shape.hidden, shape.output, random)]
        : [layer(shape.input, shape.output, random)];
    this.mean = new Float32Array(shape.input);
    this.invStd = new Float32Array(shape.input).fill(1);
  }

  params(): Param[] {
    return this.layers.flatMap((l) => [l.w, l.b]);
  }

  /** Fits the input standardisation on training rows. */
  fitNormalisation(rows: readonly Float32Array[]): void {
    const d = this.shape.input;
    const mean = new Float64Array(d);
    const sq = new Float64Array(d);
    for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j];
    for (let j = 0; j < d; j++) mean[j] /= Math.max(1, rows.length);
    for (const r of rows) for (let j = 0; j < d; j++) sq[j] += (r[j] - mean[j]) ** 2;
    // Features are concatenated blocks of different scales; z-scoring them equalises dimensions, and the
    // floor keeps near-constant (e.g. unused hash buckets) dimensions from exploding.
    const stds = Array.from(sq, (s) => Math.sqrt(s / Math.max(1, rows.length)));
    const floor = Math.max(1e-6, 0.1 * (stds.reduce((a, b) => a + b, 0) / d));
    for (let j = 0; j < d; j++) {
      this.mean[j] = mean[j];
      this.invStd[j] = 1 / Math.max(stds[j], floor);
    }
  }

  private standardise(rows: readonly Float32Array[]): Float32Array {
    const d = this.shape.input;
    const x = new Float32Array(rows.length * d);
    rows.forEach((r, i) => {
      for (let j = 0; j < d; j++) x[i * d + j] = (r[j] - this.mean[j]) * this.invStd[j];
    });
    return x;
  }

  forward(rows: readonly Float32Array[]): TowerCache {
    const n = rows.length;
    const x = this.standardise(rows);
    let input = x;
    let h: Float32Array | undefined;
    for (const [li, l] of this.layers.entries()) {
      const out = matmul(input, l.w.value, n, l.inDim, l.outDim);
      for (let i = 0; i < n; i++) for (let j = 0; j < l.outDim; j++) out[i * l.outDim + j] += l.b.value[j];
      if (li < this.layers.length - 1) {
        for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
        h = out;
      }
      input = out;
    }
    const z = input;
    const d = this.shape.output;
    const norms = new Float32Array(n);
    const e = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += z[i * d + j] ** 2;
      norms[i] = Math.sqrt(s) || 1;
      for (let j = 0; j < d; j++) e[i * d + j] = z[i * d + j] / norms[i];
    }
    return { x, h, z, norms, e };
  }

  /** Accumulates parameter gradients given dLoss/d(normalised embeddings). */
  backward(cache: TowerCache, dE: Float32Array): void {
    const n = cache.norms.length;
    const d = this.shape.output;
    // Through the L2 normalisation: dz = (de − e·(e·de)) / ‖z‖.
    let grad: Float32Array = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += cache.e[i * d + j] * dE[i * d + j];
      for (let j = 0; j < d; j++) grad[i * d + j] = (dE[i * d + j] - cache.e[i * d + j] * dot) / cache.norms[i];
    }
    for (let li = this.layers.length - 1; li >= 0; li--) {
      const l = this.layers[li];
      const input = li === 0 ? cache.x : (cache.h as Float32Array);
      const dW = matmulTA(input, grad, n, l.inDim, l.outDim);
      for (let i = 0; i < dW.length; i++) l.w.grad[i] += dW[i];
      for (let i = 0; i < n; i++) for (let j = 0; j < l.outDim; j++) l.b.grad[j] += grad[i * l.outDim + j];
      if (li === 0) break;
      const dInput = matmulTB(grad, l.w.value, n, l.outDim, l.inDim);
      const h = cache.h as Float32Array;
      for (let i = 0; i < dInput.length; i++) if (h[i] <= 0) dInput[i] = 0;
      grad = dInput;
    }
  }

  /** Unit-length embeddings of feature rows. */
  embed(rows: readonly Float32Array[]): Float32Array[] {
    const out: Float32Array[] = [];
    const d = this.shape.output;
    for (let start = 0; start < rows.length; start += 512) {
      const { e } = this.forward(rows.slice(start, start + 512));
      for (let i = 0; i < e.length / d; i++) out.push(e.slice(i * d, (i + 1) * d));
    }
    return out;
  }
}

export interface StepResult {
  loss: number;
  temperature: number;
}

/** Serialised weights: every tensor as a plain number array (JSON checkpoints). */
export interface ContrastiveWeights {
  image: TowerShape;
  text: TowerShape;
  logScale: number;
  tensors: Record<string, number[]>;
}

export class ContrastiveModel {
  readonly image: ProjectionTower;
  readonly text: ProjectionTower;
  /** log(1/temperature), learnable as in CLIP; the scale is capped at 100. */
  logScale: number;
  private readonly learnTemperature: boolean;
  private readonly lr: number;
  private readonly weightDecay: number;
  private readonly scaleAdam = { m: 0, v: 0 };
  private t = 0;

  constructor(options: ContrastiveOptions) {
    const random = seededRandom(options.seed ?? 1);
    this.image = new ProjectionTower(options.image, random);
    this.text = new ProjectionTower(options.text, random);
    this.logScale = Math.log(1 / (options.temperature ?? 0.07));
    this.learnTemperature = options.learnTemperature ?? true;
    this.lr = options.learningRate ?? 1e-3;
    this.weightDecay = options.weightDecay ?? 1e-4;
  }

  get temperature(): number {
    return 1 / Math.exp(this.logScale);
  }

  /**
   * One Adam step of the symmetric InfoNCE loss on a batch of aligned pairs (row i of each modality is a
   * positive; every other row of the batch is a negative).
   */
  step(images: readonly Float32Array[], texts: readonly Float32Array[]): StepResult {
    const n = images.length;
    const ci = this.image.forward(images);
    const ct = this.text.forward(texts);
    const { loss, dS } = infoNce(ci.e, ct.e, n, this.image.shape.output, this.logScale);
    const scale = Math.exp(this.logScale);
    const d = this.image.shape.output;
    // S = scale · I·Tᵀ: dI = scale·dS·T, dT = scale·dSᵀ·I, d(logScale) = Σ dS ∘ S.
    const dI = matmul(dS, ct.e, n, n, d);
    const dT = matmulTA(dS, ci.e, n, n, d);
    for (let i = 0; i < dI.length; i++) {
      dI[i] *= scale;
      dT[i] *= scale;
    }
    let dLogScale = 0;
    const sim = matmulTB(ci.e, ct.e, n, d, n);
    for (let i = 0; i < dS.length; i++) dLogScale += dS[i] * sim[i] * scale;
    for (const p of this.params()) p.grad.fill(0);
    this.image.backward(ci, dI);
    this.text.backward(ct, dT);
    this.t++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    for (const p of this.params()) {
      for (let i = 0; i < p.value.length; i++) {
        const g = p.grad[i];
        p.m[i] = b1 * p.m[i] + (1 - b1) * g;
        p.v[i] = b2 * p.v[i] + (1 - b2) * g * g;
        // AdamW: decoupled weight decay on weights only.
        p.value[i] -=
          this.lr * (p.m[i] / c1 / (Math.sqrt(p.v[i] / c2) + 1e-8) + (p.decay ? this.weightDecay * p.value[i] : 0));
      }
    }
    if (this.learnTemperature) {
      const a = this.scaleAdam;
      a.m = b1 * a.m + (1 - b1) * dLogScale;
      a.v = b2 * a.v + (1 - b2) * dLogScale * dLogScale;
      this.logScale -= (this.lr * (a.m / c1)) / (Math.sqrt(a.v / c2) + 1e-8);
      this.logScale = Math.min(Math.log(100), Math.max(0, this.logScale));
    }
    return { loss, temperature: this.temperature };
  }

  /** Symmetric InfoNCE loss of a batch without updating anything. */
  loss(images: readonly Float32Array[], texts: readonly Float32Array[]): number {
    const e1 = this.image.forward(images).e;
    const e2 = this.text.forward(texts).e;
    return infoNce(e1, e2, images.length, this.image.shape.output, this.logScale).loss;
  }

  private params(): Param[] {
    return [...this.image.params(), ...this.text.params()];
  }

  toJSON(): ContrastiveWeights {
    const tensors: Record<string, number[]> = {};
    for (const [name, tower] of [
      ['image', this.image],
      ['text', this.text],
    ] as const) {
      tensors[`${name}.mean`] = Array.from(tower.mean);
      tensors[`${name}.invStd`] = Array.from(tower.invStd);
      tower.layers.forEach((l, i) => {
        tensors[`${name}.${i}.w`] = Array.from(l.w.value);
        tensors[`${name}.${i}.b`] = Array.from(l.b.value);
      });
    }
    return { image: this.image.shape, text: this.text.shape, logScale: this.logScale, tensors };
  }

  static fromJSON(weights: ContrastiveWeights): ContrastiveModel {
    const model = new ContrastiveModel({ image: weights.image, text: weights.text });
    model.logScale = weights.logScale;
    const take = (name: string, into: Float32Array) => {
      const values = weights.tensors[name];
      if (!values || values.length !== into.length)
        throw new Error(`checkpoint tensor ${name} is missing or misshaped`);
      into.set(values);
    };
    for (const [name, tower] of [
      ['image', model.image],
      ['text', model.text],
    ] as const) {
      take(`${name}.mean`, tower.mean);
      take(`${name}.invStd`, tower.invStd);
      tower.layers.forEach((l, i) => {
        take(`${name}.${i}.w`, l.w.value);
        take(`${name}.${i}.b`, l.b.value);
      });
    }
    return model;
  }
}

/** Symmetric cross-entropy over the n×n similarity matrix; dS = dLoss/dLogits. */
function infoNce(
  img: Float32Array,
  txt: Float32Array,
  n: number,
  d: number,
  logScale: number,
): { loss: number; dS: Float32Array } {
  const scale = Math.exp(logScale);
  const s = matmulTB(img, txt, n, d, n);
  for (let i = 0; i < s.length; i++) s[i] *= scale;
  const dS = new Float32Array(n * n);
  let loss = 0;
  // Image → text: softmax over each row.
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, s[i * n + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(s[i * n + j] - max);
    const logZ = max + Math.log(sum);
    loss += logZ - s[i * n + i];
    for (let j = 0; j < n; j++) dS[i * n + j] += (Math.exp(s[i * n + j] - logZ) - (i === j ? 1 : 0)) / (2 * n);
  }
  // Text → image: softmax over each column.
  for (let j = 0; j < n; j++) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, s[i * n + j]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(s[i * n + j] - max);
    const logZ = max + Math.log(sum);
    loss += logZ - s[j * n + j];
    for (let i = 0; i < n; i++) dS[i * n + j] += (Math.exp(s[i * n + j] - logZ) - (i === j ? 1 : 0)) / (2 * n);
  }
  return { loss: loss / (2 * n), dS };
}

/**
 * Recall@k of paired retrieval: query i's true match is gallery item i; all vectors unit length.
 * Returns the fraction of queries whose match ranks in the top k.
 */
export function pairedRecallAtK(queries: readonly Float32Array[], gallery: readonly Float32Array[], k: number): number {
  let hits = 0;
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i];
    const target = dot(q, gallery[i]);
    let better = 0;
    for (let j = 0; j < gallery.length && better < k; j++) if (j !== i && dot(q, gallery[j]) > target) better++;
    if (better < k) hits++;
  }
  return queries.length ? hits / queries.length : 0;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
