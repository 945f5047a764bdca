/**
 * Worker-thread entry of the judge's model pool: loads the configured backend once (models, warm-up),
 * then judges one request at a time. Everything heavy — decoding, tfjs-wasm detection, onnxruntime
 * sessions (whose `run` blocks its thread) — happens here, off the service's event loop.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadJudgeBackend } from '../scoring/load-judge-backend';
import type { JudgeTaskMessage, JudgeWorkerData, JudgeWorkerMessage } from './judge-worker-protocol';

/**
 * Nice +10 for this thread (Linux keeps nice per thread; threads it starts later, like onnxruntime's pool,
 * inherit it): when CPUs are short, the service's event loop (AMQP heartbeats, probes, DB) runs first and
 * the models take what is left. Lowering one's own priority needs no privilege; elsewhere it is a no-op.
 */
const WORKER_NICE = 10;
try {
  setPriority(0, WORKER_NICE);
} catch {
  // not permitted or not supported: run at normal priority
}

const port = parentPort;
if (!port) throw new Error('judge-worker must run in a worker thread');
const post = (m: JudgeWorkerMessage) => port.postMessage(m);
const { spec } = workerData as JudgeWorkerData;
const started = Date.now();

const loading = loadJudgeBackend(spec).then(
  (loaded) => {
    const b = loaded.backend;
    post({
      type: 'ready',
      backend: { name: b.name, version: b.version, info: b.info(), fallback: loaded.fallback },
      loadMs: Date.now() - started,
    });
    return b;
  },
  (e: unknown) => {
    post({ type: 'load-failed', message: e instanceof Error ? e.message : String(e) });
    return undefined;
  },
);

port.on('message', (m: JudgeTaskMessage) => {
  void (async () => {
    const backend = await loading;
    if (!backend) return post({ type: 'failed', id: m.id, message: 'judge backend failed to load' });
    try {
      const images = m.request.images.map((i) => ({
        index: i.index,
        bytes: Buffer.from(i.bytes.buffer, i.bytes.byteOffset, i.bytes.byteLength),
        ...(i.placedSubjects ? { placedSubjects: i.placedSubjects } : {}),
      }));
      post({ type: 'result', id: m.id, judgements: await backend.judge({ ...m.request, images }) });
    } catch (e) {
      post({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) });
    }
  })();
});
