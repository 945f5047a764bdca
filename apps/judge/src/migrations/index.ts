import { InitJudge1763712000000 } from './1763712000000-init-judge';

/** Every migration of the judge schema, in order. */
export const JUDGE_MIGRATIONS = [InitJudge1763712000000];
