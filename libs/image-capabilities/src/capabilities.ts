/**
 * What each image backend can serve. Pure data plus pure functions, shared by the gateway (rejects what a
 * backend cannot serve before anything is queued) and the generator (clamps again before any call, since
 * events may come from elsewhere than the gateway).
 */

export const IMAGE_BACKEND_NAMES = ['procedural', 'hf', 'openai', 'a1111', 'local-onnx'] as const;
export type ImageBackendName = (typeof IMAGE_BACKEND_NAMES)[number];

export const isImageBackendName = (name: string): name is ImageBackendName =>
  (IMAGE_BACKEND_NAMES as readonly string[]).includes(name);

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly default: number;
  /** False when the backend ignores the parameter (it is still validated so requests stay honest). */
  readonly used: boolean;
}

export type SizeRule =
  | { readonly kind: 'range'; readonly min: number; readonly max: number; readonly multipleOf: number }
  | { readonly kind: 'list'; readonly sizes: ReadonlyArray<readonly [number, number]> };

export interface BackendCapabilities {
  readonly backend: ImageBackendName;
  readonly maxImagesPerRequest: number;
  readonly sizes: SizeRule;
  readonly defaultSize: readonly [number, number];
  readonly steps: NumberRange;
  readonly guidance: NumberRange;
  readonly seedHonoured: boolean;
  /**
   * Needs something installed beside the generator (model weights): not enabled at the gateway unless
   * IMAGE_BACKENDS_ENABLED names it.
   */
  readonly optIn: boolean;
}

export const BACKEND_CAPABILITIES: Readonly<Record<ImageBackendName, BackendCapabilities>> = {
  procedural: {
    backend: 'procedural',
    maxImagesPerRequest: 4,
    sizes: { kind: 'range', min: 64, max: 2048, multipleOf: 1 },
    defaultSize: [512, 512],
    steps: { min: 1, max: 150, default: 20, used: false },
    guidance: { min: 0, max: 30, default: 7, used: false },
    seedHonoured: true,
    optIn: false,
  },
  // Hugging Face Inference API with stabilityai/sdxl-turbo: one image per call (free-tier limits), few steps,
  // no classifier-free guidance; trained at 512², usable up to 1024².
  hf: {
    backend: 'hf',
    maxImagesPerRequest: 1,
    sizes: { kind: 'range', min: 256, max: 1024, multipleOf: 8 },
    defaultSize: [512, 512],
    steps: { min: 1, max: 4, default: 1, used: true },
    guidance: { min: 0, max: 0, default: 0, used: true },
    seedHonoured: true,
    optIn: false,
  },
  // OpenAI-compatible /v1/images/generations: fixed size list (dall-e-2, dall-e-3, gpt-image-1), no steps,
  // guidance or seed.
  openai: {
    backend: 'openai',
    maxImagesPerRequest: 4,
    sizes: {
      kind: 'list',
      sizes: [
        [256, 256],
        [512, 512],
        [1024, 1024],
        [1024, 1536],
        [1536, 1024],
        [1024, 1792],
        [1792, 1024],
      ],
    },
    defaultSize: [1024, 1024],
    steps: { min: 1, max: 150, default: 20, used: false },
    guidance: { min: 0, max: 30, default: 7, used: false },
    seedHonoured: false,
    optIn: false,
  },
  // Automatic1111 / Forge txt2img: batch_size images, sizes in multiples of 8, cfg_scale ≥ 1.
  a1111: {
    backend: 'a1111',
    maxImagesPerRequest: 4,
    sizes: { kind: 'range', min: 64, max: 2048, multipleOf: 8 },
    defaultSize: [512, 512],
    steps: { min: 1, max: 150, default: 20, used: true },
    guidance: { min: 1, max: 30, default: 7, used: true },
    seedHonoured: true,
    optIn: false,
  },
  // Stable Diffusion 1.5 in onnxruntime-node on this host (weights installed by ops): ≤ 2 images per request (one
  // UNet batch of 2n with guidance), sizes the UNet's three down-samplings divide (×64) around its 512² training
  // size, DDIM/Euler-a steps, classifier-free guidance (≤ 1 = off).
  'local-onnx': {
    backend: 'local-onnx',
    maxImagesPerRequest: 2,
    sizes: { kind: 'range', min: 256, max: 768, multipleOf: 64 },
    defaultSize: [512, 512],
    steps: { min: 1, max: 100, default: 25, used: true },
    guidance: { min: 0, max: 20, default: 7.5, used: true },
    seedHonoured: true,
    optIn: true,
  },
};

/** Backends the gateway accepts when IMAGE_BACKENDS_ENABLED is not set: every one that is not opt-in. */
export const DEFAULT_ENABLED_IMAGE_BACKENDS: readonly ImageBackendName[] = IMAGE_BACKEND_NAMES.filter(
  (name) => !BACKEND_CAPABILITIES[name].optIn,
);

/** Parameters as a caller gives them; absent ones take the backend's defaults. */
export interface RequestedImageParams {
  n?: number;
  width?: number;
  height?: number;
  steps?: number;
  guidance?: number;
}

export interface ResolvedImageParams {
  n: number;
  width: number;
  height: number;
  steps: number;
  guidance: number;
}

export type CapabilityField = 'n' | 'size' | 'steps' | 'guidance';

export interface CapabilityViolation {
  field: CapabilityField;
  message: string;
  /** What the backend accepts, e.g. {min, max} or a size list. */
  allowed: unknown;
}

export interface CapabilityAdjustment {
  field: CapabilityField;
  from: string;
  to: string;
}

export const describeSizes = (rule: SizeRule): string =>
  rule.kind === 'list'
    ? rule.sizes.map(([w, h]) => `${w}x${h}`).join(', ')
    : `${rule.min}–${rule.max} px per side${rule.multipleOf > 1 ? `, multiples of ${rule.multipleOf}` : ''}`;

function sizeAllowed(rule: SizeRule, width: number, height: number): boolean {
  if (!Number.isInteger(width) || !Number.isInteger(height)) return false;
  if (rule.kind === 'list') return rule.sizes.some(([w, h]) => w === width && h === height);
  const side = (v: number): boolean => v >= rule.min && v <= rule.max && v % rule.multipleOf === 0;
  return side(width) && side(height);
}

const inRange = (r: NumberRange, v: number): boolean => Number.isFinite(v) && v >= r.min && v <= r.max;

const withDefaults = (caps: BackendCapabilities, req: RequestedImageParams): ResolvedImageParams => ({
  n: req.n ?? 1,
  width: req.width ?? caps.defaultSize[0],
  height: req.height ?? caps.defaultSize[1],
  steps: req.steps ?? caps.steps.default,
  guidance: req.guidance ?? caps.guidance.default,
});

/** Strict check (the gateway's): every violation is reported, nothing is changed except filling defaults. */
export function validateAgainstCapabilities(
  caps: BackendCapabilities,
  req: RequestedImageParams,
): { ok: true; params: ResolvedImageParams } | { ok: false; violations: CapabilityViolation[] } {
  const p = withDefaults(caps, req);
  const violations: CapabilityViolation[] = [];
  if (!Number.isInteger(p.n) || p.n < 1 || p.n > caps.maxImagesPerRequest) {
    violations.push({
      field: 'n',
      message: `${caps.backend} serves at most ${caps.maxImagesPerRequest} image(s) per request, asked for ${p.n}`,
      allowed: { min: 1, max: caps.maxImagesPerRequest },
    });
  }
  if (!sizeAllowed(caps.sizes, p.width, p.height)) {
    violations.push({
      field: 'size',
      message: `${caps.backend} does not serve ${p.width}x${p.height} (allowed: ${describeSizes(caps.sizes)})`,
      allowed: caps.sizes,
    });
  }
  for (const field of ['steps', 'guidance'] as const) {
    const range = caps[field];
    if (!inRange(range, p[field]) || (field === 'steps' && !Number.isInteger(p.steps))) {
      violations.push({
        field,
        message: `${caps.backend} accepts ${field} in [${range.min}, ${range.max}], got ${p[field]}`,
        allowed: { min: range.min, max: range.max },
      });
    }
  }
  return violations.length > 0 ? { ok: false, violations } : { ok: true, params: p };
}

const clampTo = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Nearest allowed size: same orientation/aspect first, then closest area. */
function nearestSize(rule: SizeRule, width: number, height: number): [number, number] {
  if (rule.kind === 'range') {
    const side = (v: number): number => {
      const m = rule.multipleOf;
      const snapped = Math.round(clampTo(Number.isFinite(v) ? v : rule.min, rule.min, rule.max) / m) * m;
      // Rounding may step outside [min, max] when the bounds are not multiples themselves.
      return snapped > rule.max ? snapped - m : snapped < rule.min ? snapped + m : snapped;
    };
    return [side(width), side(height)];
  }
  const aspect = Math.log(width / height);
  let best = rule.sizes[0];
  let bestScore = Infinity;
  for (const s of rule.sizes) {
    const score = Math.abs(Math.log(s[0] / s[1]) - aspect) * 10 + Math.abs(Math.log((s[0] * s[1]) / (width * height)));
    if (score < bestScore) {
      bestScore = score;
      best = s;
    }
  }
  return [best[0], best[1]];
}

/**
 * Lenient check (the generator's, before any backend call): fills defaults and brings every value into what
 * the backend serves, reporting each change so it can be stored with the image.
 */
export function clampToCapabilities(
  caps: BackendCapabilities,
  req: RequestedImageParams,
): { params: ResolvedImageParams; adjustments: CapabilityAdjustment[] } {
  const p = withDefaults(caps, req);
  const adjustments: CapabilityAdjustment[] = [];
  const n = clampTo(Number.isInteger(p.n) ? p.n : 1, 1, caps.maxImagesPerRequest);
  if (n !== p.n) adjustments.push({ field: 'n', from: String(p.n), to: String(n) });
  let [width, height] = [p.width, p.height];
  if (!sizeAllowed(caps.sizes, width, height)) {
    [width, height] = nearestSize(caps.sizes, width, height);
    adjustments.push({ field: 'size', from: `${p.width}x${p.height}`, to: `${width}x${height}` });
  }
  const clampField = (field: 'steps' | 'guidance'): number => {
    const r = caps[field];
    const raw = p[field];
    const v = Number.isFinite(raw) ? clampTo(raw, r.min, r.max) : r.default;
    const out = field === 'steps' ? Math.round(v) : v;
    if (out !== raw) adjustments.push({ field, from: String(raw), to: String(out) });
    return out;
  };
  return { params: { n, width, height, steps: clampField('steps'), guidance: clampField('guidance') }, adjustments };
}

/**
 * The size to ask a backend for when the image will be delivered at `width`×`height`: the same shape scaled
 * uniformly into the backend's range (then snapped), or the list size nearest in shape. The generator then
 * cover-crops or extends the answer to exactly the delivered size.
 */
export function drawingSizeFor(caps: BackendCapabilities, width: number, height: number): [number, number] {
  const rule = caps.sizes;
  if (rule.kind === 'list') return nearestSize(rule, width, height);
  const down = Math.min(1, rule.max / width, rule.max / height);
  const up = Math.max(1, rule.min / (width * down), rule.min / (height * down));
  const scale = Math.min(down * up, rule.max / Math.max(width, height));
  return nearestSize(rule, width * scale, height * scale);
}
