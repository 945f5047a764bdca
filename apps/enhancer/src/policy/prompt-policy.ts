import type { ChosenFragment } from '../backends/enhancement-backend';
import { MODIFIER_GROUP_NAMES, MODIFIER_GROUPS, type ModifierGroup } from '../templates/prompt-templates';

export interface ArmStats {
  likes: number;
  dislikes: number;
}

/** Feedback counts per `${group}\t${phrase}`: everyone's, and this user's (or this brand's). */
export interface PolicyStats {
  global: ReadonlyMap<string, ArmStats>;
  personal: ReadonlyMap<string, ArmStats>;
  /** Who "personal" is in explanations: "you" or "brand Foo". */
  personalLabel: string;
}

export const armKey = (group: string, phrase: string): string => `${group}\t${phrase}`;

export const EMPTY_STATS: PolicyStats = { global: new Map(), personal: new Map(), personalLabel: 'you' };

/** Standard normal by Box–Muller from a uniform source. */
function normal(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia–Tsang (boosted for shape < 1). */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.max(random(), Number.MIN_VALUE) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v ** 3;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(alpha: number, beta: number, random: () => number): number {
  const x = gamma(alpha, random);
  return x / (x + gamma(beta, random));
}

/**
 * Thompson sampling over the options of each modifier group (lighting, background, camera, finish): each
 * option's like-rate has a Beta posterior from the personal counts plus the global counts at a lower weight
 * (what everybody liked is a prior, what you liked decides); the option with the highest sample wins. Options
 * nobody has rated are still sampled from Beta(1, 1), so the policy keeps exploring.
 */
export class PromptPolicy {
  constructor(
    private readonly random: () => number = Math.random,
    private readonly globalWeight = 0.3,
  ) {}

  choose(stats: PolicyStats, groups: readonly ModifierGroup[] = MODIFIER_GROUP_NAMES): ChosenFragment[] {
    return groups.map((group) => {
      let best: { phrase: string; sample: number } | undefined;
      for (const phrase of MODIFIER_GROUPS[group]) {
        const g = stats.global.get(armKey(group, phrase)) ?? { likes: 0, dislikes: 0 };
        const p = stats.personal.get(armKey(group, phrase)) ?? { likes: 0, dislikes: 0 };
        const alpha = 1 + p.likes + this.globalWeight * g.likes;
        const beta = 1 + p.dislikes + this.globalWeight * g.dislikes;
        const sample = sampleBeta(alpha, beta, this.random);
        if (!best || sample > best.sample) best = { phrase, sample };
      }
      const phrase = best?.phrase ?? MODIFIER_GROUPS[group][0] ?? '';
      return { group, phrase, reason: explain(group, phrase, stats) };
    });
  }
}

/** The fixed policy the learned one is measured against: always the first option of every group. */
export function fixedFragments(groups: readonly ModifierGroup[] = MODIFIER_GROUP_NAMES): ChosenFragment[] {
  return groups.map((group) => ({
    group,
    phrase: MODIFIER_GROUPS[group][0] ?? '',
    reason: 'default choice (learning off)',
  }));
}

function explain(group: string, phrase: string, stats: PolicyStats): string {
  const p = stats.personal.get(armKey(group, phrase));
  const g = stats.global.get(armKey(group, phrase));
  if (p && p.likes + p.dislikes > 0) {
    return `added '${phrase}': liked ${p.likes} of ${p.likes + p.dislikes} times by ${stats.personalLabel}`;
  }
  if (g && g.likes + g.dislikes > 0) {
    return `added '${phrase}': liked ${g.likes} of ${g.likes + g.dislikes} times by all users`;
  }
  return `trying '${phrase}' for ${group}: no feedback on it yet`;
}
