import {
  BACKEND_CAPABILITIES,
  DEFAULT_ENABLED_IMAGE_BACKENDS,
  IMAGE_BACKEND_NAMES,
  clampToCapabilities,
  drawingSizeFor,
  isImageBackendName,
  validateAgainstCapabilities,
} from './capabilities';

const { procedural, hf, openai, a1111 } = BACKEND_CAPABILITIES;

describe('validateAgainstCapabilities', () => {
  it('fills absent parameters with the backend defaults', () => {
    expect(validateAgainstCapabilities(hf, {})).toEqual({
      ok: true,
      params: { n: 1, width: 512, height: 512, steps: 1, guidance: 0 },
    });
    expect(validateAgainstCapabilities(openai, { n: 2 })).toEqual({
      ok: true,
      params: { n: 2, width: 1024, height: 1024, steps: 20, guidance: 7 },
    });
  });

  it('has a consistent record for every backend (defaults are themselves valid)', () => {
    for (const name of IMAGE_BACKEND_NAMES) {
      const caps = BACKEND_CAPABILITIES[name];
      expect(caps.backend).toBe(name);
      expect(validateAgainstCapabilities(caps, {}).ok).toBe(true);
      expect(validateAgainstCapabilities(caps, { n: caps.maxImagesPerRequest }).ok).toBe(true);
    }
  });

  it('rejects too many images, naming the limit', () => {
    const result = validateAgainstCapabilities(hf, { n: 2 });
    expect(result).toEqual({
      ok: false,
      violations: [
        { field: 'n', message: 'hf serves at most 1 image(s) per request, asked for 2', allowed: { min: 1, max: 1 } },
      ],
    });
  });

  it('rejects sizes outside a list or a range, and sizes off the grid', () => {
    const bad = (caps: typeof hf, width: number, height: number): string[] => {
      const r = validateAgainstCapabilities(caps, { width, height });
      return r.ok ? [] : r.violations.map((v) => v.field);
    };
    expect(bad(openai, 256, 256)).toEqual([]);
    expect(bad(openai, 320, 180)).toEqual(['size']);
    expect(bad(hf, 128, 128)).toEqual(['size']);
    expect(bad(hf, 1536, 512)).toEqual(['size']);
    expect(bad(a1111, 516, 512)).toEqual(['size']);
    expect(bad(a1111, 768, 512)).toEqual([]);
    expect(bad(procedural, 333, 517)).toEqual([]);
  });

  it('rejects steps and guidance out of range, collecting every violation', () => {
    const r = validateAgainstCapabilities(hf, { n: 3, width: 100, height: 100, steps: 20, guidance: 7 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.map((v) => v.field)).toEqual(['n', 'size', 'steps', 'guidance']);
    const a = validateAgainstCapabilities(a1111, { guidance: 0.5 });
    expect(!a.ok && a.violations[0].message).toBe('a1111 accepts guidance in [1, 30], got 0.5');
    expect(validateAgainstCapabilities(a1111, { steps: 2.5 }).ok).toBe(false);
    expect(validateAgainstCapabilities(a1111, { guidance: Number.NaN }).ok).toBe(false);
  });
});

describe('clampToCapabilities', () => {
  it('leaves a valid request alone', () => {
    expect(clampToCapabilities(a1111, { n: 2, width: 512, height: 768, steps: 30, guidance: 5 })).toEqual({
      params: { n: 2, width: 512, height: 768, steps: 30, guidance: 5 },
      adjustments: [],
    });
  });

  it('brings every field into range and reports each change', () => {
    const { params, adjustments } = clampToCapabilities(hf, { n: 4, width: 2000, height: 100, steps: 30, guidance: 7 });
    expect(params).toEqual({ n: 1, width: 1024, height: 256, steps: 4, guidance: 0 });
    expect(adjustments).toEqual([
      { field: 'n', from: '4', to: '1' },
      { field: 'size', from: '2000x100', to: '1024x256' },
      { field: 'steps', from: '30', to: '4' },
      { field: 'guidance', from: '7', to: '0' },
    ]);
  });

  it('snaps to the grid of a range rule', () => {
    expect(clampToCapabilities(a1111, { width: 517, height: 333 }).params).toMatchObject({ width: 520, height: 336 });
  });

  it('picks the list size with the closest aspect ratio, then area', () => {
    const size = (w: number, h: number): string => {
      const p = clampToCapabilities(openai, { width: w, height: h }).params;
      return `${p.width}x${p.height}`;
    };
    expect(size(320, 180)).toBe('1792x1024');
    expect(size(1080, 1920)).toBe('1024x1792');
    expect(size(300, 300)).toBe('256x256');
    expect(size(600, 600)).toBe('512x512');
    expect(size(900, 1200)).toBe('1024x1536');
  });
});

it('recognises backend names', () => {
  expect(isImageBackendName('hf')).toBe(true);
  expect(isImageBackendName('local-onnx')).toBe(true);
  expect(isImageBackendName('sdxl')).toBe(false);
});

describe('local-onnx (Stable Diffusion 1.5 on this host)', () => {
  const sd = BACKEND_CAPABILITIES['local-onnx'];

  it('serves at most 2 images, sizes in multiples of 64 from 256 to 768, 1–100 steps, guidance 0–20', () => {
    expect(validateAgainstCapabilities(sd, {})).toEqual({
      ok: true,
      params: { n: 1, width: 512, height: 512, steps: 25, guidance: 7.5 },
    });
    const r = validateAgainstCapabilities(sd, { n: 3, width: 520, height: 512, steps: 150, guidance: 25 });
    expect(!r.ok && r.violations.map((v) => v.field)).toEqual(['n', 'size', 'steps', 'guidance']);
    expect(!r.ok && r.violations[0].message).toBe('local-onnx serves at most 2 image(s) per request, asked for 3');
    expect(validateAgainstCapabilities(sd, { n: 2, width: 768, height: 512 }).ok).toBe(true);
    expect(clampToCapabilities(sd, { n: 4, width: 1080, height: 1920 }).params).toMatchObject({
      n: 2,
      width: 768,
      height: 768,
    });
  });

  it('is opt-in: not among the backends enabled by default', () => {
    expect(sd.optIn).toBe(true);
    expect(DEFAULT_ENABLED_IMAGE_BACKENDS).toEqual(['procedural', 'hf', 'openai', 'a1111']);
  });
});

describe('drawingSizeFor', () => {
  const size = (name: keyof typeof BACKEND_CAPABILITIES, w: number, h: number): string =>
    drawingSizeFor(BACKEND_CAPABILITIES[name], w, h).join('x');

  it('keeps the shape: scales into a range uniformly and snaps to its grid', () => {
    expect(size('procedural', 1080, 1350)).toBe('1080x1350');
    expect(size('hf', 1080, 1920)).toBe('576x1024');
    expect(size('hf', 1500, 500)).toBe('1024x344');
    expect(size('local-onnx', 1080, 1350)).toBe('640x768');
    expect(size('a1111', 1200, 628)).toBe('1200x632');
  });

  it('picks the list size nearest in shape', () => {
    expect(size('openai', 1080, 1920)).toBe('1024x1792');
    expect(size('openai', 1200, 628)).toBe('1792x1024');
    expect(size('openai', 1080, 1080)).toBe('1024x1024');
  });
});
