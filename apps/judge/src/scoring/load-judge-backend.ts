import { ClipJudge, type ClipJudgeOptions } from '../clip/clip-judge';
import { VisionJudge } from '../vision/vision-judge';
import type { JudgeBackend } from './judge-backend';
import { StatisticsJudge } from './statistics-judge';

/** Which backend to load and how: plain data, so it can travel to a worker thread. */
export type JudgeBackendSpec =
  { kind: 'clip'; clip: ClipJudgeOptions; textCacheSize?: number } | { kind: 'vision' } | { kind: 'statistics' };

export interface LoadedJudgeBackend {
  backend: JudgeBackend;
  /** Why the requested backend is not the one in use, if it is not. */
  fallback?: string;
}

/**
 * Loads a backend and warms it up. CLIP failures propagate (a missing or corrupt model file names the
 * file); a vision judge that cannot load falls back to image statistics, with the reason.
 */
export async function loadJudgeBackend(spec: JudgeBackendSpec): Promise<LoadedJudgeBackend> {
  if (spec.kind === 'clip') {
    const clip = await ClipJudge.load({ ...spec.clip, textCacheSize: spec.textCacheSize });
    await clip.warmUp();
    return { backend: clip };
  }
  if (spec.kind === 'statistics') return { backend: new StatisticsJudge() };
  try {
    const vision = await VisionJudge.load();
    await vision.warmUp();
    return { backend: vision };
  } catch (e) {
    return {
      backend: new StatisticsJudge(),
      fallback: `vision judge unavailable: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}
