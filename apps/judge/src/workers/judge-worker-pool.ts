import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ImageJudgement, JudgeRequest } from '../scoring/judge-backend';
import type { JudgeBackendSpec } from '../scoring/load-judge-backend';
import type {
  BackendDescription,
  JudgeTaskMessage,
  JudgeWorkerData,
  JudgeWorkerMessage,
} from './judge-worker-protocol';

export interface JudgeWorkerPoolOptions {
  /** Worker threads, each with its own copy of the models. */
  size: number;
  spec: JudgeBackendSpec;
  /**
   * Requests a worker holds at once. 2 lets the next request's decode/preprocess (libvips threads)
   * overlap the current one's inference, which blocks the worker's own thread.
   */
  perWorker?: number;
  /** Compiled worker entry; defaults to judge-worker.js beside this file (or in dist/ under ts sources). */
  workerFile?: string;
  /** Called when a worker dies unexpectedly (it is replaced). */
  onWorkerExit?: (error: string) => void;
}

export type PoolState = 'loading' | 'up' | 'failed' | 'closed';

interface Task {
  id: number;
  message: JudgeTaskMessage;
  resolve: (j: ImageJudgement[]) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  inFlight: Map<number, Task>;
}

/**
 * A pool of worker threads that own the judge's models. Workers load (and warm up) in the background
 * from the moment the pool is created; `ready` settles once every worker has loaded (or one failed).
 * `judge()` queues requests FIFO and hands them to the least busy loaded worker. A worker that dies is
 * replaced and its in-flight requests fail (the messaging layer retries them).
 */
export class JudgeWorkerPool {
  readonly ready: Promise<BackendDescription>;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly perWorker: number;
  private readonly workerFile: string;
  private nextId = 1;
  private stateValue: PoolState = 'loading';
  private description?: BackendDescription;
  private settleReady!: { resolve: (d: BackendDescription) => void; reject: (e: Error) => void };

  constructor(private readonly options: JudgeWorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new Error('pool size must be >= 1');
    this.perWorker = Math.max(1, options.perWorker ?? 2);
    this.workerFile = options.workerFile ?? defaultWorkerFile();
    if (!existsSync(this.workerFile)) {
      throw new Error(`judge worker ${this.workerFile} not found (run npm run build)`);
    }
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    // Callers that only poll `state` must not see an unhandled rejection.
    this.ready.catch(() => undefined);
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  get state(): PoolState {
    return this.stateValue;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Name, version, info and fallback of the loaded backend (once ready). */
  get backend(): BackendDescription | undefined {
    return this.description;
  }

  /** Requests waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  judge(request: JudgeRequest): Promise<ImageJudgement[]> {
    if (this.stateValue === 'closed') return Promise.reject(new Error('judge worker pool is closed'));
    if (this.stateValue === 'failed') return Promise.reject(new Error('judge backend failed to load'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const message: JudgeTaskMessage = {
        type: 'judge',
        id,
        request: {
          ...request,
          images: request.images.map((i) => ({
            index: i.index,
            bytes: i.bytes,
            ...(i.placedSubjects ? { placedSubjects: i.placedSubjects } : {}),
          })),
        },
      };
      this.queue.push({ id, message, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.stateValue = 'closed';
    const closed = new Error('judge worker pool closed');
    for (const t of this.queue.splice(0)) t.reject(closed);
    await Promise.all(
      this.slots.map(async (s) => {
        for (const t of s.inFlight.values()) t.reject(closed);
        s.inFlight.clear();
        await s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const data: JudgeWorkerData = { spec: this.options.spec };
    const worker = new Worker(this.workerFile, { workerData: data });
    const slot: Slot = { worker, ready: false, inFlight: new Map() };
    worker.on('message', (m: JudgeWorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onExit(slot, e.message));
    worker.on('exit', (code) => this.onExit(slot, `worker exited with code ${code}`));
    return slot;
  }

  private onMessage(slot: Slot, m: JudgeWorkerMessage): void {
    if (m.type === 'ready') {
      slot.ready = true;
      this.description ??= m.backend;
      if (this.stateValue === 'loading' && this.slots.every((s) => s.ready)) {
        this.stateValue = 'up';
        this.settleReady.resolve(m.backend);
      }
      this.dispatch();
    } else if (m.type === 'load-failed') {
      if (this.stateValue === 'loading') {
        this.stateValue = 'failed';
        this.settleReady.reject(new Error(m.message));
        const failed = new Error(`judge backend failed to load: ${m.message}`);
        for (const t of this.queue.splice(0)) t.reject(failed);
      }
    } else {
      const task = slot.inFlight.get(m.id);
      if (!task) return;
      slot.inFlight.delete(m.id);
      if (m.type === 'result') task.resolve(m.judgements);
      else task.reject(new Error(m.message));
      this.dispatch();
    }
  }

  private onExit(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // 'error' is followed by 'exit': handle once
    this.slots.splice(i, 1);
    const lost = new Error(`judge worker died: ${reason}`);
    for (const t of slot.inFlight.values()) t.reject(lost);
    slot.inFlight.clear();
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    if (!slot.ready && this.stateValue === 'loading') {
      // A worker that cannot even start would be respawned forever.
      this.stateValue = 'failed';
      this.settleReady.reject(lost);
      for (const t of this.queue.splice(0)) t.reject(lost);
      return;
    }
    this.options.onWorkerExit?.(reason);
    this.slots.push(this.spawn());
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        if (s.ready && s.inFlight.size < this.perWorker && (!best || s.inFlight.size < best.inFlight.size)) best = s;
      }
      if (!best) return;
      const task = this.queue.shift() as Task;
      best.inFlight.set(task.id, task);
      best.worker.postMessage(task.message);
    }
  }
}

/** judge-worker.js beside this file; under ts sources (jest) the compiled one in dist/ — workers cannot run .ts. */
function defaultWorkerFile(): string {
  const sibling = join(__dirname, 'judge-worker.js');
  if (existsSync(sibling)) return sibling;
  let root = __dirname;
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  return join(root, 'dist', relative(root, __dirname), 'judge-worker.js');
}
