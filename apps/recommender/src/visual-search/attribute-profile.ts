import type { AttributeSchema } from '../attributes/attribute-schema';

export interface AttributeReading {
  name: string;
  value: string;
  confidence: number;
}

/** What a set of example photos says about one attribute. */
export interface AttributeSide {
  /** Confidence-weighted distribution over values (sums to 1). */
  distribution: Map<string, number>;
  /** Share of the examples that have the attribute at all. */
  coverage: number;
  /** Expected similarity of two example values under the schema (1 = all agree). */
  consistency: number;
  /** coverage × consistency: how much the examples care about this attribute. */
  weight: number;
}

export interface AttributeProfile {
  positives: Map<string, AttributeSide>;
  negatives: Map<string, AttributeSide>;
}

function side(
  schema: AttributeSchema,
  name: string,
  examples: readonly AttributeReading[][],
): AttributeSide | undefined {
  const distribution = new Map<string, number>();
  let having = 0;
  for (const readings of examples) {
    const own = readings.filter((r) => r.name === name && r.confidence > 0);
    if (own.length === 0) continue;
    having++;
    const total = own.reduce((s, r) => s + r.confidence, 0);
    // Each example counts once; its values share its vote by confidence, scaled by how sure it is overall.
    const sureness = Math.min(1, Math.max(...own.map((r) => r.confidence)));
    for (const r of own)
      distribution.set(r.value, (distribution.get(r.value) ?? 0) + (sureness * r.confidence) / total);
  }
  if (having === 0) return undefined;
  const mass = [...distribution.values()].reduce((a, b) => a + b, 0);
  for (const [k, p] of distribution) distribution.set(k, p / mass);
  let consistency = 0;
  for (const [a, pa] of distribution)
    for (const [b, pb] of distribution) consistency += pa * pb * schema.similarity(name, a, b);
  const coverage = having / examples.length;
  return { distribution, coverage, consistency, weight: coverage * consistency };
}

/** The target of the attributes: per attribute, what the liked photos share and what the disliked ones share. */
export function buildAttributeProfile(
  schema: AttributeSchema,
  positives: readonly AttributeReading[][],
  negatives: readonly AttributeReading[][],
): AttributeProfile {
  const profile: AttributeProfile = { positives: new Map(), negatives: new Map() };
  for (const name of schema.names()) {
    const p = positives.length ? side(schema, name, positives) : undefined;
    const n = negatives.length ? side(schema, name, negatives) : undefined;
    if (p) profile.positives.set(name, p);
    if (n) profile.negatives.set(name, n);
  }
  return profile;
}

/** Fuzzy affinity of a photo's readings of one attribute to a side's distribution, in [0, 1]. */
export function affinity(
  schema: AttributeSchema,
  name: string,
  readings: readonly AttributeReading[],
  s: AttributeSide,
): number {
  let num = 0;
  let den = 0;
  for (const r of readings) {
    let a = 0;
    for (const [value, p] of s.distribution) a += p * schema.similarity(name, value, r.value);
    num += r.confidence * a;
    den += r.confidence;
  }
  return den > 0 ? num / den : 0;
}

export interface AttributeContribution {
  name: string;
  /** The photo's most confident value of the attribute. */
  value: string;
  confidence: number;
  /** Affinity to the positives (undefined when they say nothing about it). */
  positive?: number;
  /** Affinity to the negatives. */
  negative?: number;
  positiveWeight: number;
  negativeWeight: number;
}

export interface AttributeScore {
  /** In [0, 1]: 1 = agrees with everything the positives share and nothing the negatives share. */
  score: number;
  contributions: AttributeContribution[];
}

/**
 * Fuzzy attribute score: Σ w⁺·aff⁺ + γ·Σ w⁻·(1 − aff⁻) over Σ w⁺ + γ·Σ w⁻, with each affinity scaled by the
 * photo's confidence (an unsure reading pulls towards the neutral 0.5, as does a missing attribute).
 */
export function scoreAttributes(
  schema: AttributeSchema,
  profile: AttributeProfile,
  readings: readonly AttributeReading[],
  gamma: number,
): AttributeScore {
  const byName = new Map<string, AttributeReading[]>();
  for (const r of readings) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  let num = 0;
  let den = 0;
  const contributions: AttributeContribution[] = [];
  for (const name of schema.names()) {
    const p = profile.positives.get(name);
    const n = profile.negatives.get(name);
    const wp = p?.weight ?? 0;
    const wn = gamma * (n?.weight ?? 0);
    if (wp + wn === 0) continue;
    den += wp + wn;
    const own = byName.get(name);
    if (!own?.length) {
      num += 0.5 * (wp + wn);
      continue;
    }
    const top = own.reduce((a, b) => (b.confidence > a.confidence ? b : a));
    const c = Math.min(1, top.confidence);
    const ap = p ? affinity(schema, name, own, p) : undefined;
    const an = n ? affinity(schema, name, own, n) : undefined;
    if (ap !== undefined) num += wp * (c * ap + (1 - c) * 0.5);
    if (an !== undefined) num += wn * (c * (1 - an) + (1 - c) * 0.5);
    contributions.push({
      name,
      value: top.value,
      confidence: top.confidence,
      positive: ap,
      negative: an,
      positiveWeight: wp,
      negativeWeight: wn,
    });
  }
  return { score: den > 0 ? num / den : 0.5, contributions };
}
