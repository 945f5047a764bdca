import { calibrationTable, confusionTable, scoreDetection } from './platform-goal-eval';
import { PLATFORM_GOAL_DEV_SET } from './platform-goal.dev.data';
import { PLATFORM_GOAL_DEV_SET_ROUND2 } from './platform-goal.dev2.data';
import { PLATFORM_GOAL_DEV_SET_ROUND3 } from './platform-goal.dev3.data';

// The set the rules were tuned on: a regression guard, not an estimate (see platform-goal.eval.spec.ts).
describe('platform and goal detection on the development set', () => {
  const score = scoreDetection([
    ...PLATFORM_GOAL_DEV_SET,
    ...PLATFORM_GOAL_DEV_SET_ROUND2,
    ...PLATFORM_GOAL_DEV_SET_ROUND3,
  ]);

  it('prints the confusion tables and stays above 95% on each label', () => {
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    console.log(
      [
        `development set (${score.items} requests, rules tuned on it): platform ${pct(score.platform.accuracy)}, goal ${pct(score.goal.accuracy)}`,
        confusionTable(score.platform, 'platform'),
        calibrationTable(score.platform),
        confusionTable(score.goal, 'goal'),
        calibrationTable(score.goal),
        ...score.platform.errors.map((e) => `  platform ${e.expected} → ${e.got}: ${e.text}  [${e.matched.join(' ')}]`),
        ...score.goal.errors.map((e) => `  goal ${e.expected} → ${e.got}: ${e.text}  [${e.matched.join(' ')}]`),
      ].join('\n'),
    );
    expect(score.items).toBeGreaterThanOrEqual(440);
    expect(score.platform.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(score.goal.accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
