/**
 * Worker-thread entry for the heavy parts of a model refresh: EASE's item weights (an n³ Cholesky inverse), item-kNN
 * neighbour lists and sequential rules (seconds each on a few thousand items and 100k interactions), so the
 * recommender's event loop keeps serving requests, AMQP heartbeats and probes meanwhile.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { easeWeights } from './ease';
import { itemNeighbours } from './item-knn';
import { packLists, transferables, type RefreshRequest, type RefreshResult } from './refresh-off-thread';
import { sequentialRules } from './sequential-rules';
import { UserItemMatrix } from './user-item-matrix';

// Nice +10 for this thread: when cores are short, the service's event loop runs first (as the judge's workers do).
try {
  setPriority(0, 10);
} catch {
  // not permitted or not supported: run at normal priority
}

const port = parentPort;
if (!port) throw new Error('refresh-worker must run in a worker thread');
port.on('message', (m: RefreshRequest) => {
  try {
    if (m.kind === 'ease') {
      const weights = easeWeights(m.gram, m.n, m.lambda);
      const result: RefreshResult = { kind: 'ease', weights };
      port.postMessage(result, [weights.buffer as ArrayBuffer]);
    } else if (m.kind === 'knn') {
      const matrix = new UserItemMatrix(m.users, m.items, m.interactions);
      const lists = packLists(itemNeighbours(matrix, m.neighbours).map((l) => l.map((x) => [x.item, x.similarity])));
      const result: RefreshResult = { kind: 'knn', lists };
      port.postMessage(result, transferables(lists));
    } else {
      const rules = sequentialRules(m.items, m.history, m.options);
      const lists = packLists(rules.map((l) => l.map((x) => [x.item, x.strength])));
      const result: RefreshResult = { kind: 'sequential', lists };
      port.postMessage(result, transferables(lists));
    }
  } catch (e) {
    const result: RefreshResult = { kind: 'error', error: e instanceof Error ? e.message : String(e) };
    port.postMessage(result);
  }
});
