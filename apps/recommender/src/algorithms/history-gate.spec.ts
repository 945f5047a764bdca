import { blend, blendRanking, type BlendCandidates } from './hybrid-blend';
import { GATE_BUCKETS, gateBucket, gatedWeights, historyShape, learnGate, type GateExample } from './history-gate';
import { HYBRID_SOURCES, SERVED_HYBRID } from './served-hybrid';

/** Candidates 0..n-1 where source `a` ranks the relevant item `hit` first and source `b` ranks it last. */
function candidates(n: number, hit: number, favoured: 'a' | 'b'): BlendCandidates {
  const features = new Float32Array(n * 2);
  for (let c = 0; c < n; c++) {
    const good = c === hit ? 1 : (0.5 * ((c * 37) % n)) / n;
    const bad = c === hit ? 0 : 0.5 + (0.5 * ((c * 11) % n)) / n;
    features[c * 2] = favoured === 'a' ? good : bad;
    features[c * 2 + 1] = favoured === 'a' ? bad : good;
  }
  return { items: Int32Array.from({ length: n }, (_, i) => i), features, sources: ['a', 'b'] };
}

describe('history gate', () => {
  it('buckets a history by its length and days since its latest interaction', () => {
    const day = 86400;
    expect(gateBucket(historyShape(10, 100 * day, 101 * day))).toBe('short-active');
    expect(gateBucket(historyShape(10, 0, 400 * day))).toBe('short-lapsed');
    expect(gateBucket(historyShape(50, 0, 30 * day))).toBe('medium-active');
    expect(gateBucket(historyShape(199, 0, 31 * day))).toBe('medium-lapsed');
    expect(gateBucket(historyShape(200, 5 * day, 6 * day))).toBe('long-active');
    expect(gateBucket(historyShape(0, undefined, 6 * day))).toBe('short-lapsed');
  });

  it('learns different blend weights for differently shaped histories', () => {
    const day = 86400;
    const examples: GateExample[] = [];
    for (let u = 0; u < 40; u++) {
      // Short, active histories: source a finds their next item; long, lapsed ones: source b does.
      examples.push({
        shape: historyShape(10 + (u % 30), 99 * day, 100 * day),
        candidates: candidates(30, u % 30, 'a'),
        relevant: new Set([u % 30]),
        weight: 1,
      });
      examples.push({
        shape: historyShape(250 + u, 0, 100 * day),
        candidates: candidates(30, (u * 7) % 30, 'b'),
        relevant: new Set([(u * 7) % 30]),
        weight: 1,
      });
    }
    const { gate, users } = learnGate(['a', 'b'], examples, 10, { minUsers: 30 });
    expect(users['short-active']).toBe(40);
    expect(users['long-lapsed']).toBe(40);
    const short = gatedWeights(gate, historyShape(12, 99 * day, 100 * day));
    const long = gatedWeights(gate, historyShape(400, 0, 100 * day));
    expect(short.a).toBeGreaterThan(short.b);
    expect(long.b).toBeGreaterThan(long.a);
    // With the learned weights each group's relevant item comes first.
    for (const e of examples)
      expect(blendRanking(e.candidates, gatedWeights(gate, e.shape), 1)).toEqual([...e.relevant]);
    // Buckets without enough users share one set of weights.
    expect(gate['medium-active']).toEqual(gate['short-lapsed']);
  });

  it('with the min objective, lifts the worst group rather than the average', () => {
    const day = 86400;
    const examples: GateExample[] = [];
    // One bucket, two groups: 30 users whose item source a finds, 10 whose item source b finds.
    for (let u = 0; u < 40; u++) {
      const favoured = u < 30 ? 'a' : 'b';
      examples.push({
        shape: historyShape(10, 99 * day, 100 * day),
        candidates: candidates(30, u % 30, favoured),
        relevant: new Set([u % 30]),
        weight: u < 30 ? 1 / 30 : 1 / 10,
        group: favoured,
      });
    }
    const group = (gate: ReturnType<typeof learnGate<'a' | 'b'>>['gate'], g: string) =>
      examples
        .filter((e) => e.group === g)
        .reduce(
          (s, e) =>
            s +
            e.weight * (blendRanking(e.candidates, gatedWeights(gate, e.shape), 1)[0] === [...e.relevant][0] ? 1 : 0),
          0,
        );
    const mean = learnGate(['a', 'b'], examples, 10, { minUsers: 1, objective: 'mean' });
    const min = learnGate(['a', 'b'], examples, 10, { minUsers: 1, objective: 'min' });
    expect(Math.min(group(min.gate, 'a'), group(min.gate, 'b'))).toBeGreaterThanOrEqual(
      Math.min(group(mean.gate, 'a'), group(mean.gate, 'b')),
    );
    expect(min.value).toBeGreaterThan(0);
  });

  it('serves weights for every bucket and every source', () => {
    for (const bucket of GATE_BUCKETS) {
      for (const source of HYBRID_SOURCES) expect(SERVED_HYBRID.gate[bucket][source]).toBeGreaterThanOrEqual(0);
      expect(Object.values(SERVED_HYBRID.gate[bucket]).some((w) => w > 0)).toBe(true);
    }
  });

  it('blendRanking ranks exactly as blend does', () => {
    const n = 200;
    const features = new Float32Array(n * 3);
    for (let i = 0; i < features.length; i++) features[i] = ((i * 7919) % 101) / 100;
    const c: BlendCandidates = {
      items: Int32Array.from({ length: n }, (_, i) => n - i),
      features,
      sources: ['x', 'y', 'z'],
    };
    const weights = { x: 0.35, y: 1.5, z: 0.05 };
    expect(blendRanking(c, weights, 10)).toEqual(blend(c, weights, 10).map((b) => b.item));
    expect(blendRanking(c, weights, 500)).toEqual(blend(c, weights, 500).map((b) => b.item));
  });
});
