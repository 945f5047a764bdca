import { InitJudge1763712000000 } from './1763712000000-init-judge';
import { JudgeValidationDiversity1763770000000 } from './1763770000000-judge-validation-diversity';

/** Every migration of the judge schema, in order. */
export const JUDGE_MIGRATIONS = [InitJudge1763712000000, JudgeValidationDiversity1763770000000];
