import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVisualHead, saveVisualHead, trainVisualHead, VISUAL_HEAD_FILE, type HeadTask } from './visual-head';

/**
 * Synthetic photos: 40-d inputs where the class ("type" × "colour") lives in 4 of the dimensions and the other 36 are
 * loud nuisance; the raw cosine is dominated by the nuisance, the trained head should see the classes.
 */
function data(n: number, seed: number) {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const inputs: Float32Array[] = [];
  const type = new Int32Array(n);
  const colour = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    type[i] = i % 3;
    colour[i] = Math.floor(i / 3) % 2;
    const v = new Float32Array(40);
    v[type[i]] = 1;
    v[3] = colour[i] ? 1 : -1;
    for (let d = 4; d < 40; d++) v[d] = 3 * (rand() - 0.5);
    inputs.push(v);
  }
  return { inputs, type, colour };
}

function nnAccuracy(gallery: Float32Array[], gl: Int32Array, query: Float32Array[], ql: Int32Array): number {
  const cos = (a: Float32Array, b: Float32Array) =>
    a.reduce((x, v, i) => x + v * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
  let hits = 0;
  query.forEach((q, i) => {
    let best = -Infinity;
    let label = -1;
    gallery.forEach((g, j) => {
      const c = cos(q, g);
      if (c > best) [best, label] = [c, gl[j]];
    });
    if (label === ql[i]) hits++;
  });
  return hits / query.length;
}

describe('VisualHead', () => {
  const train = data(300, 1);
  const test = data(120, 2);
  const joint = (d: ReturnType<typeof data>) => d.type.map((t, i) => t * 2 + d.colour[i]);
  const tasks: HeadTask[] = [
    { name: 'type', classes: ['a', 'b', 'c'], labels: train.type },
    { name: 'colour', classes: ['dark', 'light'], labels: train.colour },
  ];

  it('learns a space where unseen photos’ nearest neighbour shares type and colour', () => {
    const { head, loss } = trainVisualHead(train.inputs, tasks, { output: 8, epochs: 30, batch: 32, seed: 3 });
    expect(loss).toBeLessThan(0.3);
    const raw = nnAccuracy(train.inputs, joint(train), test.inputs, joint(test));
    const projected = nnAccuracy(
      train.inputs.map((x) => head.project(x)),
      joint(train),
      test.inputs.map((x) => head.project(x)),
      joint(test),
    );
    expect(raw).toBeLessThan(0.6);
    expect(projected).toBeGreaterThan(0.9);
    expect(Math.hypot(...head.project(test.inputs[0]))).toBeCloseTo(1, 5);
  });

  it('saves and loads the same projection, and refuses a file for other inputs or another format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'visual-head-'));
    try {
      expect(loadVisualHead(dir, 40)).toBeUndefined();
      const { head } = trainVisualHead(train.inputs, tasks, { output: 8, epochs: 2, batch: 64 });
      await saveVisualHead(dir, head, {
        tasks: ['type', 'colour'],
        split: { heldOut: 'synthetic', trainProducts: 300, trainIds: [] },
        metrics: {},
      });
      const loaded = loadVisualHead(dir, 40);
      const a = head.project(test.inputs[5]);
      const b = loaded?.head.project(test.inputs[5]) as Float32Array;
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
      expect(() => loadVisualHead(dir, 41)).toThrow(/40-d/);
      writeFileSync(join(dir, VISUAL_HEAD_FILE), JSON.stringify({ format: 'other' }));
      expect(() => loadVisualHead(dir, 40)).toThrow(/not an atelier-visual-head-v1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
