import type { ImageJudgement, JudgeRequest } from '../scoring/judge-backend';
import type { JudgeBackendSpec } from '../scoring/load-judge-backend';

/** Handed to every worker at spawn. */
export interface JudgeWorkerData {
  spec: JudgeBackendSpec;
}

/** What the loaded backend says about itself (stored with every prediction). */
export interface BackendDescription {
  name: string;
  version: string;
  info: Record<string, unknown>;
  fallback?: string;
}

/** Main thread → worker. Image bytes arrive as Uint8Array (structured clone does not keep Buffer). */
export interface JudgeTaskMessage {
  type: 'judge';
  id: number;
  request: Omit<JudgeRequest, 'images'> & {
    images: Array<{ index: number; bytes: Uint8Array; placedSubjects?: string[] }>;
  };
}

/** Worker → main thread. */
export type JudgeWorkerMessage =
  | { type: 'ready'; backend: BackendDescription; loadMs: number }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; judgements: ImageJudgement[] }
  | { type: 'failed'; id: number; message: string };
