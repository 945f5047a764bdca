import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EaseSolveRequest {
  gram: Float64Array;
  n: number;
  lambda: number;
}
export type EaseSolveResult = { weights: Float32Array } | { error: string };

/**
 * Solves EASE's B in a short-lived worker thread (refreshes are rare, a worker starts in tens of ms), with the Gram
 * matrix moved, not copied. The compiled worker sits beside this file, or under dist/ when running from sources.
 */
export function easeWeightsOffThread(gram: Float64Array, n: number, lambda: number): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile());
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (m: EaseSolveResult) =>
      settle(() => ('weights' in m ? resolve(m.weights) : reject(new Error(m.error)))),
    );
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`EASE worker exited with code ${code}`))));
    const request: EaseSolveRequest = { gram, n, lambda };
    worker.postMessage(request, [gram.buffer as ArrayBuffer]);
  });
}

function workerFile(): string {
  const sibling = join(__dirname, 'ease-worker.js');
  if (existsSync(sibling)) return sibling;
  let root = __dirname;
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  const built = join(root, 'dist', relative(root, __dirname), 'ease-worker.js');
  if (!existsSync(built)) throw new Error(`EASE worker ${built} not found (run npm run build)`);
  return built;
}
