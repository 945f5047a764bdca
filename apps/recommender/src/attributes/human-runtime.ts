import { loadHumanWasm } from '@atelier/ml-runtime';

// The slice of @vladmandic/human's API we use (its bundled types pull in DOM libs we do not compile against).
export interface HumanTensor {
  dispose(): void;
}
export interface HumanFace {
  score: number;
  boxRaw: [number, number, number, number];
  age?: number;
  gender?: string;
  genderScore?: number;
  emotion?: Array<{ score: number; emotion: string }>;
  embedding?: number[];
}
export interface HumanObject {
  score: number;
  label: string;
  boxRaw: [number, number, number, number];
}
export interface HumanInstance {
  load(): Promise<void>;
  detect(input: HumanTensor): Promise<{ face: HumanFace[]; object: HumanObject[] }>;
  tf: { tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): HumanTensor };
  version: string;
}
let shared: Promise<HumanInstance> | undefined;

/**
 * One @vladmandic/human instance per process on TensorFlow.js' WASM backend, with the models shipped inside the
 * npm package: BlazeFace (detector), FaceRes (age, gender, 1024-d face embedding), the emotion classifier and
 * CenterNet (COCO objects), loaded by `loadHumanWasm` (no native TensorFlow, no downloads).
 */
export function loadHuman(): Promise<HumanInstance> {
  shared ??= create();
  return shared;
}

function create(): Promise<HumanInstance> {
  return loadHumanWasm<HumanInstance>({
    face: {
      enabled: true,
      detector: { modelPath: 'blazeface.json', rotation: false, maxDetected: 3, minConfidence: 0.3, skipFrames: 0 },
      mesh: { enabled: false },
      iris: { enabled: false },
      attention: { enabled: false },
      description: { enabled: true, modelPath: 'faceres.json', skipFrames: 0, minConfidence: 0.1 },
      emotion: { enabled: true, modelPath: 'emotion.json', skipFrames: 0, minConfidence: 0.05 },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    object: { enabled: true, modelPath: 'centernet.json', minConfidence: 0.3, maxDetected: 10, skipFrames: 0 },
  });
}
