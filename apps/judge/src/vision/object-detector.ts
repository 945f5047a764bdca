import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

/** One detected COCO object. */
export interface Detection {
  label: string;
  score: number;
  /** Box normalised to [0, 1]: x, y, width, height. */
  box: [number, number, number, number];
}

// The slice of @vladmandic/human's API we use (its bundled types pull in DOM libs we do not compile against).
interface HumanTensor {
  dispose(): void;
}
interface HumanInstance {
  load(): Promise<void>;
  detect(input: HumanTensor): Promise<{
    object: Array<{ score: number; label: string; boxRaw: [number, number, number, number] }>;
  }>;
  tf: {
    tensor3d(values: Uint8Array | Int32Array, shape: [number, number, number], dtype: 'int32'): HumanTensor;
    getBackend(): string;
  };
  version: string;
}
interface HumanModule {
  Human: new (config: Record<string, unknown>) => HumanInstance;
}

export const DETECTOR_MODEL = 'centernet';

/**
 * COCO object detection with @vladmandic/human's CenterNet (MobileNetV3, weights inside the npm
 * package) on TensorFlow.js' WASM backend: no native TensorFlow, no downloads. Human reads model
 * files through `fetch('file://…')`, which Node lacks, so a shim serves file URLs from disk and
 * passes everything else to the real fetch.
 */
export class ObjectDetector {
  private constructor(
    private readonly human: HumanInstance,
    readonly version: string,
  ) {}

  static async load(options: { minConfidence?: number; maxDetected?: number } = {}): Promise<ObjectDetector> {
    installFileFetch();
    const req = createRequire(__filename);
    // Human's exports map has no './' entry, so its node-wasm bundle is required by absolute path.
    const humanDir = dirname(dirname(req.resolve('@vladmandic/human')));
    const wasmDir = dirname(req.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    const mod = req(join(humanDir, 'dist', 'human.node-wasm.js')) as HumanModule;
    const human = new mod.Human({
      backend: 'wasm',
      wasmPath: `${pathToFileURL(wasmDir).href}/`,
      modelBasePath: `${pathToFileURL(join(humanDir, 'models')).href}/`,
      debug: false,
      async: true,
      warmup: 'none',
      cacheSensitivity: 0,
      filter: { enabled: false },
      face: { enabled: false },
      body: { enabled: false },
      hand: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      object: {
        enabled: true,
        modelPath: `${DETECTOR_MODEL}.json`,
        minConfidence: options.minConfidence ?? 0.2,
        maxDetected: options.maxDetected ?? 20,
        iouThreshold: 0.4,
        skipFrames: 0,
        skipTime: 0,
      },
    });
    await human.load();
    return new ObjectDetector(human, `human@${human.version}/${DETECTOR_MODEL}/${human.tf.getBackend()}`);
  }

  /** Detects objects in a raw RGB image (3 channels, row-major). */
  async detect(rgb: Uint8Array, width: number, height: number): Promise<Detection[]> {
    const tensor = this.human.tf.tensor3d(rgb, [height, width, 3], 'int32');
    try {
      const result = await this.human.detect(tensor);
      return result.object.map((o) => ({ label: o.label, score: o.score, box: o.boxRaw }));
    } finally {
      tensor.dispose();
    }
  }
}

let fetchInstalled = false;

function installFileFetch(): void {
  if (fetchInstalled) return;
  fetchInstalled = true;
  const original = globalThis.fetch;
  const fileFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return original(input, init);
    const path = fileURLToPath(url);
    const body = await readFile(path);
    const type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  };
  globalThis.fetch = fileFetch as typeof fetch;
}
