import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Neighbour } from './item-knn';
import type { SequentialRule, SequentialRulesOptions } from './sequential-rules';
import type { Interaction } from './user-item-matrix';

export type RefreshRequest =
  | { kind: 'ease'; gram: Float64Array; n: number; lambda: number }
  | { kind: 'knn'; users: number; items: number; interactions: Interaction[]; neighbours: number }
  | { kind: 'sequential'; items: number; history: Interaction[][]; options: SequentialRulesOptions };
export type RefreshResult =
  | { kind: 'ease'; weights: Float32Array }
  | { kind: 'knn'; lists: PackedLists }
  | { kind: 'sequential'; lists: PackedLists }
  | { kind: 'error'; error: string };

/** EASE's B from a Gram matrix (moved to the worker, not copied). */
export async function easeWeightsOffThread(gram: Float64Array, n: number, lambda: number): Promise<Float32Array> {
  const r = await run({ kind: 'ease', gram, n, lambda }, [gram.buffer as ArrayBuffer]);
  if (r.kind !== 'ease') throw new Error(`refresh worker answered ${r.kind} to ease`);
  return r.weights;
}

/** Item-kNN neighbour lists of the positive matrix these interactions make (`itemNeighbours`, default caps). */
export async function itemNeighboursOffThread(
  users: number,
  items: number,
  interactions: Interaction[],
  neighbours: number,
): Promise<Neighbour[][]> {
  const r = await run({ kind: 'knn', users, items, interactions, neighbours });
  if (r.kind !== 'knn') throw new Error(`refresh worker answered ${r.kind} to knn`);
  return unpackLists(r.lists, (item, similarity) => ({ item, similarity }));
}

/** Sequential rules of these ordered histories (`sequentialRules`). */
export async function sequentialRulesOffThread(
  items: number,
  history: Interaction[][],
  options: SequentialRulesOptions,
): Promise<SequentialRule[][]> {
  const r = await run({ kind: 'sequential', items, history, options });
  if (r.kind !== 'sequential') throw new Error(`refresh worker answered ${r.kind} to sequential`);
  return unpackLists(r.lists, (item, strength) => ({ item, strength }));
}

/**
 * Per-item lists of (item, value) as three flat arrays: they cross the thread boundary as moved buffers, where
 * millions of small objects would be copied and rebuilt on the event loop in one go.
 */
export interface PackedLists {
  offsets: Int32Array;
  items: Int32Array;
  values: Float64Array;
}

export function packLists(lists: Array<Array<[number, number]>>): PackedLists {
  const offsets = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length));
  const items = new Int32Array(offsets[lists.length]);
  const values = new Float64Array(offsets[lists.length]);
  lists.forEach((l, i) =>
    l.forEach(([item, value], k) => ((items[offsets[i] + k] = item), (values[offsets[i] + k] = value))),
  );
  return { offsets, items, values };
}

export const transferables = (p: PackedLists): ArrayBuffer[] =>
  [p.offsets.buffer, p.items.buffer, p.values.buffer] as ArrayBuffer[];

/** Rebuilds the lists a few hundred at a time, letting the event loop through in between. */
async function unpackLists<T>(p: PackedLists, make: (item: number, value: number) => T): Promise<T[][]> {
  const out: T[][] = [];
  for (let i = 0; i + 1 < p.offsets.length; i++) {
    const list: T[] = [];
    for (let k = p.offsets[i]; k < p.offsets[i + 1]; k++) list.push(make(p.items[k], p.values[k]));
    out.push(list);
    if (i % UNPACK_CHUNK === UNPACK_CHUNK - 1) await new Promise((r) => setImmediate(r));
  }
  return out;
}

const UNPACK_CHUNK = 256;

/**
 * One build in a short-lived worker thread (refreshes are rare; a worker starts in tens of ms). The compiled worker
 * sits beside this file, or under dist/ when running from sources.
 */
function run(request: RefreshRequest, transfer: ArrayBuffer[] = []): Promise<RefreshResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile());
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (m: RefreshResult) =>
      settle(() => (m.kind === 'error' ? reject(new Error(m.error)) : resolve(m))),
    );
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`refresh worker exited with code ${code}`))));
    worker.postMessage(request, transfer);
  });
}

function workerFile(): string {
  const sibling = join(__dirname, 'refresh-worker.js');
  if (existsSync(sibling)) return sibling;
  let root = __dirname;
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  const built = join(root, 'dist', relative(root, __dirname), 'refresh-worker.js');
  if (!existsSync(built)) throw new Error(`refresh worker ${built} not found (run npm run build)`);
  return built;
}
