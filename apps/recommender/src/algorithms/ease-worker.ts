/**
 * Worker-thread entry that solves EASE's item weights (an n³ Cholesky inverse: seconds at a few thousand items),
 * so the recommender's event loop keeps serving requests, AMQP heartbeats and probes during a model refresh.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { easeWeights } from './ease';
import type { EaseSolveRequest, EaseSolveResult } from './ease-off-thread';

// Nice +10 for this thread: when cores are short, the service's event loop runs first (as the judge's workers do).
try {
  setPriority(0, 10);
} catch {
  // not permitted or not supported: run at normal priority
}

const port = parentPort;
if (!port) throw new Error('ease-worker must run in a worker thread');
port.on('message', (m: EaseSolveRequest) => {
  let result: EaseSolveResult;
  try {
    const weights = easeWeights(m.gram, m.n, m.lambda);
    result = { weights };
    port.postMessage(result, [weights.buffer as ArrayBuffer]);
  } catch (e) {
    result = { error: e instanceof Error ? e.message : String(e) };
    port.postMessage(result);
  }
});
