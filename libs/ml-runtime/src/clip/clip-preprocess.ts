import sharp from 'sharp';

/** OpenAI CLIP's normalisation constants (RGB). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/**
 * CLIP's `preprocess` with libvips: shortest side → `size` (bicubic), centre crop `size`×`size`,
 * RGB/255, normalise with CLIP mean/std, CHW float32. Written into `out` at `offset` when given,
 * so a batch is filled without copies. Matches openai/CLIP's PIL output to a mean abs. diff. of
 * ~0.003 (libvips and PIL bicubic are not bit-identical).
 */
export async function clipPreprocess(image: Buffer, size = 224, out?: Float32Array, offset = 0): Promise<Float32Array> {
  const meta = await sharp(image).metadata();
  const { width, height } = meta;
  if (!width || !height) throw new Error('image has no dimensions');
  const s = size / Math.min(width, height);
  const w = Math.max(size, Math.round(width * s));
  const h = Math.max(size, Math.round(height * s));
  const { data } = await sharp(image)
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace('srgb')
    .resize(w, h, { kernel: 'cubic', fit: 'fill' })
    .extract({ left: Math.round((w - size) / 2), top: Math.round((h - size) / 2), width: size, height: size })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = size * size;
  const target = out ?? new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * CLIP_STD[c]);
    const bias = CLIP_MEAN[c] / CLIP_STD[c];
    const base = offset + c * plane;
    for (let p = 0, o = c; p < plane; p++, o += 3) target[base + p] = data[o] * scale - bias;
  }
  return target;
}
