import { calibrationTable, confusionTable, scoreDetection } from './platform-goal-eval';
import { PLATFORM_GOAL_EVAL_SET } from './platform-goal.eval.data';

// The held-out set, written after the rules were frozen: the honest estimate of detection accuracy.
describe('platform and goal detection on the held-out evaluation set', () => {
  const score = scoreDetection(PLATFORM_GOAL_EVAL_SET);

  it('prints the confusion tables and reaches 90% on each of platform and goal', () => {
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    console.log(
      [
        `evaluation set (${score.items} held-out requests): platform ${pct(score.platform.accuracy)}, goal ${pct(score.goal.accuracy)}`,
        'platform (rows: expected, columns: detected)',
        confusionTable(score.platform, 'platform'),
        calibrationTable(score.platform),
        'goal (rows: expected, columns: detected)',
        confusionTable(score.goal, 'goal'),
        calibrationTable(score.goal),
        ...score.platform.errors.map((e) => `  platform ${e.expected} → ${e.got}: ${e.text}  [${e.matched.join(' ')}]`),
        ...score.goal.errors.map((e) => `  goal ${e.expected} → ${e.got}: ${e.text}  [${e.matched.join(' ')}]`),
      ].join('\n'),
    );
    expect(score.items).toBeGreaterThanOrEqual(150);
    expect(score.platform.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(score.goal.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
