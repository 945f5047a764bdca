import { loadHumanWasm } from '@atelier/ml-runtime';

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
export const DETECTOR_MODEL = 'centernet';

/**
 * COCO object detection with @vladmandic/human's CenterNet (MobileNetV3, weights inside the npm
 * package) on TensorFlow.js' WASM backend (`loadHumanWasm`): no native TensorFlow, no downloads.
 */
export class ObjectDetector {
  private constructor(
    private readonly human: HumanInstance,
    readonly version: string,
  ) {}

  static async load(options: { minConfidence?: number; maxDetected?: number } = {}): Promise<ObjectDetector> {
    const human = await loadHumanWasm<HumanInstance>({
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
