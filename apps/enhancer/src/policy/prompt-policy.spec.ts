import { MODIFIER_GROUPS, MODIFIER_GROUP_NAMES } from '../templates/prompt-templates';
import { armKey, fixedFragments, PromptPolicy, sampleBeta, type ArmStats, type PolicyStats } from './prompt-policy';
import { seededRandom } from './seeded-random';

/** In-memory feedback counts, updated the way the feedback.submitted handler updates the table. */
class Counts {
  readonly global = new Map<string, ArmStats>();
  readonly personal = new Map<string, ArmStats>();
  record(fragments: Array<{ group: string; phrase: string }>, liked: boolean, personal = true): void {
    for (const f of fragments) {
      for (const map of personal ? [this.global, this.personal] : [this.global]) {
        const s = map.get(armKey(f.group, f.phrase)) ?? { likes: 0, dislikes: 0 };
        map.set(armKey(f.group, f.phrase), liked ? { ...s, likes: s.likes + 1 } : { ...s, dislikes: s.dislikes + 1 });
      }
    }
  }
  stats(): PolicyStats {
    return { global: this.global, personal: this.personal, personalLabel: 'you' };
  }
}

const X = MODIFIER_GROUPS.lighting[2] as string; // warm golden hour sunlight
const Y = MODIFIER_GROUPS.lighting[0] as string; // soft natural window light (the fixed policy's choice)

describe('prompt policy (Thompson sampling over modifier choices)', () => {
  it('samples Beta with the right mean', () => {
    const random = seededRandom(1);
    const n = 4000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sampleBeta(8, 2, random);
    expect(sum / n).toBeGreaterThan(0.77);
    expect(sum / n).toBeLessThan(0.83);
  });

  it('a user who likes X and dislikes Y gets X at least 80% of the time after 30 rounds, and is told why', () => {
    const policy = new PromptPolicy(seededRandom(42));
    const counts = new Counts();
    const coin = seededRandom(7);
    for (let round = 0; round < 30; round++) {
      const fragments = policy.choose(counts.stats());
      const lighting = fragments.find((f) => f.group === 'lighting')?.phrase;
      const liked = lighting === X ? true : lighting === Y ? false : coin() < 0.5;
      counts.record(fragments, liked);
    }
    let chosenX = 0;
    let reason = '';
    for (let i = 0; i < 100; i++) {
      const lighting = policy.choose(counts.stats()).find((f) => f.group === 'lighting');
      if (lighting?.phrase === X) {
        chosenX++;
        reason = lighting.reason;
      }
    }
    console.log(`after 30 rounds X chosen ${chosenX}/100; explanation: ${reason}`);
    expect(chosenX).toBeGreaterThanOrEqual(80);
    expect(reason).toMatch(new RegExp(`^added '${X}': liked (\\d+) of (\\d+) times by you$`, 'u'));
    const [, likes, total] = /liked (\d+) of (\d+)/u.exec(reason) ?? [];
    expect(Number(likes)).toBe(Number(total)); // X was liked every time
  });

  it('beats the fixed policy on like-rate for simulated users with hidden tastes', () => {
    // Each simulated user likes an image with probability 0.15 + 0.2 per group where the prompt used their
    // hidden favourite option (uniform over the options, so option 0, the fixed policy's, is a favourite too).
    const rounds = 200;
    const users = 20;
    const rate = { learned: 0, fixed: 0, random: 0 };
    const taste = seededRandom(3);
    for (let u = 0; u < users; u++) {
      const favourite = Object.fromEntries(
        MODIFIER_GROUP_NAMES.map((g) => [
          g,
          MODIFIER_GROUPS[g][Math.floor(taste() * MODIFIER_GROUPS[g].length)] as string,
        ]),
      );
      const likeProbability = (fragments: Array<{ group: string; phrase: string }>): number =>
        0.15 + 0.2 * fragments.filter((f) => favourite[f.group] === f.phrase).length;
      const policy = new PromptPolicy(seededRandom(100 + u));
      const counts = new Counts();
      const coin = seededRandom(200 + u);
      const uniform = seededRandom(300 + u);
      for (let r = 0; r < rounds; r++) {
        const learned = policy.choose(counts.stats());
        const liked = coin() < likeProbability(learned);
        counts.record(learned, liked);
        rate.learned += liked ? 1 : 0;
        rate.fixed += coin() < likeProbability(fixedFragments()) ? 1 : 0;
        const randomChoice = MODIFIER_GROUP_NAMES.map((g) => ({
          group: g,
          phrase: MODIFIER_GROUPS[g][Math.floor(uniform() * MODIFIER_GROUPS[g].length)] as string,
        }));
        rate.random += coin() < likeProbability(randomChoice) ? 1 : 0;
      }
    }
    const n = rounds * users;
    const pct = (x: number): string => `${((100 * x) / n).toFixed(1)}%`;
    console.log(
      `like-rate over ${users} simulated users × ${rounds} rounds: learned ${pct(rate.learned)}, fixed ${pct(rate.fixed)}, uniform random ${pct(rate.random)} (best possible 95.0%)`,
    );
    expect(rate.learned / n).toBeGreaterThan(rate.fixed / n + 0.2);
    expect(rate.learned).toBeGreaterThan(rate.random);
  });

  it('explains choices from global counts when the user has none, and says when it is exploring', () => {
    const global = new Map([[armKey('lighting', X), { likes: 9, dislikes: 1 }]]);
    const stats: PolicyStats = { global, personal: new Map(), personalLabel: 'you' };
    const reasons = new PromptPolicy(seededRandom(5)).choose(stats, ['lighting', 'camera']).map((f) => f.reason);
    expect(reasons.some((r) => r === `added '${X}': liked 9 of 10 times by all users` || r.startsWith('trying'))).toBe(
      true,
    );
    expect(reasons[1]).toMatch(/^trying '.+' for camera: no feedback on it yet$/u);
  });
});
