/**
 * Gaussian mixture with diagonal covariances, fitted by EM (k-means++ initialisation, log-sum-exp
 * responsibilities, a variance floor), k chosen by BIC, and an online step (stochastic EM) for single new points.
 */

export interface GaussianMixture {
  weights: number[];
  means: number[][];
  variances: number[][];
  /** Effective number of points behind each component (drives the online step size). */
  counts: number[];
  logLikelihood: number;
  bic: number;
}

export interface GmmOptions {
  seed?: number;
  maxIterations?: number;
  tolerance?: number;
  /** Added to every variance, relative to the data's overall variance. */
  varianceFloor?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sq = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);

function logGaussian(x: number[], mean: number[], variance: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.log(2 * Math.PI * variance[i]) + (x[i] - mean[i]) ** 2 / variance[i];
  return -0.5 * s;
}

function logSumExp(v: number[]): number {
  const m = Math.max(...v);
  return m === -Infinity ? m : m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** Per-component log densities plus log weights, and the point's log-likelihood. */
export function componentLogs(model: Pick<GaussianMixture, 'weights' | 'means' | 'variances'>, x: number[]) {
  const logs = model.weights.map(
    (w, c) => Math.log(Math.max(w, 1e-300)) + logGaussian(x, model.means[c], model.variances[c]),
  );
  const total = logSumExp(logs);
  return { logs, total, responsibilities: logs.map((l) => Math.exp(l - total)) };
}

/** Free parameters of a diagonal GMM: k·d means + k·d variances + (k − 1) weights. */
export const parameterCount = (k: number, d: number) => 2 * k * d + k - 1;

/** Fits a k-component diagonal GMM to the rows of X. */
export function fitGmm(X: number[][], k: number, options: GmmOptions = {}): GaussianMixture {
  const n = X.length;
  const d = X[0]?.length ?? 0;
  if (n < k) throw new Error(`need at least ${k} points for ${k} components`);
  const random = rng(options.seed ?? 1);
  const globalMean = Array.from({ length: d }, (_, j) => X.reduce((s, x) => s + x[j], 0) / n);
  const globalVar = X.reduce((s, x) => s + sq(x, globalMean), 0) / (n * d) || 1;
  const floor = (options.varianceFloor ?? 1e-3) * globalVar;

  // k-means++ seeding.
  const means: number[][] = [X[Math.floor(random() * n)].slice()];
  while (means.length < k) {
    const dist = X.map((x) => Math.min(...means.map((m) => sq(x, m))));
    const total = dist.reduce((a, b) => a + b, 0);
    let r = random() * total;
    let pick = 0;
    while (pick < n - 1 && r > dist[pick]) r -= dist[pick++];
    means.push(X[pick].slice());
  }
  let model: Omit<GaussianMixture, 'logLikelihood' | 'bic'> = {
    weights: Array(k).fill(1 / k) as number[],
    means,
    variances: Array.from({ length: k }, () => Array(d).fill(globalVar) as number[]),
    counts: Array(k).fill(n / k) as number[],
  };
  let previous = -Infinity;
  let ll = -Infinity;
  for (let iter = 0; iter < (options.maxIterations ?? 200); iter++) {
    // E step.
    const resp: number[][] = [];
    ll = 0;
    for (const x of X) {
      const c = componentLogs(model, x);
      resp.push(c.responsibilities);
      ll += c.total;
    }
    // M step.
    const counts = Array.from({ length: k }, (_, c) => resp.reduce((s, r) => s + r[c], 0) + 1e-10);
    const newMeans = counts.map((nk, c) =>
      Array.from({ length: d }, (_, j) => X.reduce((s, x, i) => s + resp[i][c] * x[j], 0) / nk),
    );
    const newVars = counts.map((nk, c) =>
      Array.from(
        { length: d },
        (_, j) => X.reduce((s, x, i) => s + resp[i][c] * (x[j] - newMeans[c][j]) ** 2, 0) / nk + floor,
      ),
    );
    model = { weights: counts.map((nk) => nk / n), means: newMeans, variances: newVars, counts };
    if (Math.abs(ll - previous) < (options.tolerance ?? 1e-6) * Math.abs(ll)) break;
    previous = ll;
  }
  ll = X.reduce((s, x) => s + componentLogs(model, x).total, 0);
  return { ...model, logLikelihood: ll, bic: -2 * ll + parameterCount(k, d) * Math.log(n) };
}

/** Fits k in [kMin, kMax] (bounded by the data) with a few restarts each; the lowest BIC wins. */
export function selectByBic(
  X: number[][],
  kMin = 3,
  kMax = 7,
  options: GmmOptions & { restarts?: number } = {},
): { model: GaussianMixture; bics: Array<{ k: number; bic: number }> } {
  const bics: Array<{ k: number; bic: number }> = [];
  let best: GaussianMixture | undefined;
  const top = Math.min(kMax, Math.max(1, Math.floor(X.length / 2)));
  for (let k = Math.min(kMin, top); k <= top; k++) {
    let bestK: GaussianMixture | undefined;
    for (let r = 0; r < (options.restarts ?? 3); r++) {
      const m = fitGmm(X, k, { ...options, seed: (options.seed ?? 1) * 7919 + r * 104729 + k });
      if (!bestK || m.logLikelihood > bestK.logLikelihood) bestK = m;
    }
    if (!bestK) continue;
    bics.push({ k, bic: bestK.bic });
    if (!best || bestK.bic < best.bic) best = bestK;
  }
  if (!best) throw new Error('no data to fit');
  return { model: best, bics };
}

/**
 * One stochastic-EM step for a new point: its responsibilities update each component's sufficient statistics
 * with step r/(count + r), so the model follows new likes without a refit. The likelihood/BIC are not updated.
 */
export function onlineUpdate(model: GaussianMixture, x: number[], floor = 1e-6): GaussianMixture {
  const { responsibilities } = componentLogs(model, x);
  const counts = model.counts.map((c, k) => c + responsibilities[k]);
  const total = counts.reduce((a, b) => a + b, 0);
  const means = model.means.map((m, k) => {
    const eta = responsibilities[k] / counts[k];
    return m.map((mu, j) => mu + eta * (x[j] - mu));
  });
  const variances = model.variances.map((v, k) => {
    const eta = responsibilities[k] / counts[k];
    return v.map((s, j) => Math.max(floor, (1 - eta) * s + eta * (x[j] - means[k][j]) * (x[j] - model.means[k][j])));
  });
  return { ...model, counts, weights: counts.map((c) => c / total), means, variances };
}

/** The most responsible component for a point. */
export function assign(model: GaussianMixture, x: number[]): number {
  const { logs } = componentLogs(model, x);
  return logs.indexOf(Math.max(...logs));
}

/**
 * Principal axes of the rows (power iteration with deflation on the covariance): liked items live in a
 * ~1.5k-dimensional space, far more dimensions than a user has likes, so the mixture is fitted in a few.
 */
export function principalAxes(X: Float32Array[], dims: number, seed = 3): { mean: number[]; axes: number[][] } {
  const n = X.length;
  const D = X[0]?.length ?? 0;
  const mean = Array.from({ length: D }, (_, j) => X.reduce((s, x) => s + x[j], 0) / Math.max(1, n));
  const C = X.map((x) => Array.from({ length: D }, (_, j) => x[j] - mean[j]));
  const random = rng(seed);
  const axes: number[][] = [];
  for (let a = 0; a < Math.min(dims, n - 1, D); a++) {
    let v = Array.from({ length: D }, () => random() - 0.5);
    for (let it = 0; it < 60; it++) {
      // w = Cᵀ(C v), with earlier axes projected out.
      const cv = C.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
      const w = Array<number>(D).fill(0);
      C.forEach((row, i) => row.forEach((x, j) => (w[j] += x * cv[i])));
      for (const u of axes) {
        const p = u.reduce((s, x, j) => s + x * w[j], 0);
        for (let j = 0; j < D; j++) w[j] -= p * u[j];
      }
      const norm = Math.hypot(...w);
      if (norm < 1e-12) break;
      v = w.map((x) => x / norm);
    }
    axes.push(v);
  }
  return { mean, axes };
}

export function project(x: ArrayLike<number>, basis: { mean: number[]; axes: number[][] }): number[] {
  return basis.axes.map((u) => u.reduce((s, w, j) => s + w * (x[j] - basis.mean[j]), 0));
}
