import { readFile, stat } from 'node:fs/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';

/** Element types we create tensors for. */
export type TensorElementType = 'float32' | 'int32' | 'int64';

/** How a session uses the CPU. Defaults suit a small machine shared with other services. */
export interface OnnxSessionOptions {
  /** Threads inside one operator (0 = onnxruntime's default, one per core). */
  intraOpThreads?: number;
  /** Threads across independent operators; only used with executionMode 'parallel'. */
  interOpThreads?: number;
  executionMode?: 'sequential' | 'parallel';
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface TensorInfo {
  name: string;
  /** e.g. 'float32', 'int64'; undefined for non-tensor values. */
  type: string | undefined;
  /** Dimensions; symbolic ones (like 'batch') are strings, unknown ones -1. */
  shape: Array<number | string>;
}

/** A model file that is missing, empty or not loadable. The message names the file. */
export class ModelLoadError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot load model ${file}: ${reason}`);
    this.name = 'ModelLoadError';
  }
}

export type Feeds = Record<string, Tensor>;

/**
 * One loaded ONNX model: a thin wrapper over an onnxruntime-node InferenceSession that knows its
 * input/output signatures, loads with clear errors and can warm itself up.
 */
export class OnnxModel {
  private constructor(
    private readonly session: InferenceSession,
    /** File path or a label for in-memory models. */
    readonly source: string,
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
  ) {}

  /** Loads a model file. Missing, empty or corrupt files raise ModelLoadError naming the file. */
  static async load(file: string, options: OnnxSessionOptions = {}): Promise<OnnxModel> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new ModelLoadError(file, 'file not found');
    }
    if (size === 0) throw new ModelLoadError(file, 'file is empty');
    // Reading the bytes ourselves keeps onnxruntime's own (less specific) file errors out of the way.
    return OnnxModel.fromBytes(await readFile(file), file, options);
  }

  /** Loads a model from memory (e.g. one built with OnnxGraphBuilder); `label` names it in errors. */
  static async fromBytes(bytes: Uint8Array, label: string, options: OnnxSessionOptions = {}): Promise<OnnxModel> {
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(bytes, toSessionOptions(options));
    } catch (e) {
      throw new ModelLoadError(label, `not a valid ONNX model (${e instanceof Error ? e.message : String(e)})`);
    }
    const info = (names: readonly string[], meta: readonly InferenceSession.ValueMetadata[]): TensorInfo[] =>
      names.map((name, i) => {
        const m = meta[i];
        return m && m.isTensor
          ? { name, type: m.type, shape: m.shape.map((d) => (typeof d === 'string' ? d : d)) }
          : { name, type: undefined, shape: [] };
      });
    return new OnnxModel(
      session,
      label,
      info(session.inputNames, session.inputMetadata),
      info(session.outputNames, session.outputMetadata),
    );
  }

  input(name: string): TensorInfo | undefined {
    return this.inputs.find((i) => i.name === name);
  }

  output(name: string): TensorInfo | undefined {
    return this.outputs.find((o) => o.name === name);
  }

  /** Runs the model; `fetches` limits which outputs are computed. */
  async run(feeds: Feeds, fetches?: string[]): Promise<Record<string, Tensor>> {
    const result = fetches ? await this.session.run(feeds, fetches) : await this.session.run(feeds);
    return result as Record<string, Tensor>;
  }

  /**
   * Runs once on zero inputs so the first real request does not pay for allocation and kernel
   * selection. Symbolic dimensions become `batch`; other unknown ones must be given in `dims`.
   */
  async warmUp(batch = 1, dims: Record<string, number> = {}): Promise<void> {
    const feeds: Feeds = {};
    for (const input of this.inputs) {
      const shape = input.shape.map((d, i) => {
        if (typeof d === 'number' && d >= 0) return d;
        if (typeof d === 'string' && dims[d] !== undefined) return dims[d];
        return i === 0 ? batch : 1;
      });
      feeds[input.name] = zeros(asElementType(input.type, input.name), shape);
    }
    await this.run(feeds);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** A tensor of zeros. */
export function zeros(type: TensorElementType, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (type === 'int64') return new Tensor('int64', new BigInt64Array(n), shape);
  if (type === 'int32') return new Tensor('int32', new Int32Array(n), shape);
  return new Tensor('float32', new Float32Array(n), shape);
}

function asElementType(type: string | undefined, name: string): TensorElementType {
  if (type === 'float32' || type === 'int32' || type === 'int64') return type;
  throw new Error(`input ${name} has unsupported type ${type ?? 'non-tensor'}`);
}

function toSessionOptions(o: OnnxSessionOptions): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: o.intraOpThreads ?? 0,
    interOpNumThreads: o.interOpThreads ?? 0,
    executionMode: o.executionMode ?? 'sequential',
    graphOptimizationLevel: o.graphOptimization ?? 'all',
  };
}

/**
 * Runs `items` through `runBatch` in chunks of `batchSize`, in order, and concatenates the results.
 * The next chunk's inputs are prepared while the current one runs (prepare is usually I/O + libvips,
 * run is onnxruntime's own threads), so the slower of the two sets the pace.
 */
export async function pipelineBatches<I, P, R>(
  items: readonly I[],
  batchSize: number,
  prepare: (chunk: readonly I[]) => Promise<P>,
  runBatch: (prepared: P, chunk: readonly I[]) => Promise<R[]>,
): Promise<R[]> {
  if (batchSize < 1) throw new Error('batchSize must be >= 1');
  const chunks: Array<readonly I[]> = [];
  for (let i = 0; i < items.length; i += batchSize) chunks.push(items.slice(i, i + batchSize));
  const out: R[] = [];
  let next = chunks.length ? prepare(chunks[0]) : undefined;
  for (let c = 0; c < chunks.length; c++) {
    const prepared = await (next as Promise<P>);
    next = c + 1 < chunks.length ? prepare(chunks[c + 1]) : undefined;
    // Keep an early rejection of `next` from going unhandled while this batch runs.
    next?.catch(() => undefined);
    out.push(...(await runBatch(prepared, chunks[c])));
  }
  return out;
}

export { Tensor };
