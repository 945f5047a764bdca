import { InitJudge1763712000000 } from './1763712000000-init-judge';
import { JudgeValidationDiversity1763770000000 } from './1763770000000-judge-validation-diversity';
import { JudgePreferences1763770000001 } from './1763770000001-judge-preferences';
import { ClosedGenerations1764100000021 } from './1764100000021-closed-generations';
import { OutboxTraceContext1796690928182 } from './1796690928182-outbox-trace-context';

/** Every migration of the judge schema, in order. */
export const JUDGE_MIGRATIONS = [
  InitJudge1763712000000,
  JudgeValidationDiversity1763770000000,
  JudgePreferences1763770000001,
  ClosedGenerations1764100000021,
  OutboxTraceContext1796690928182,
];
