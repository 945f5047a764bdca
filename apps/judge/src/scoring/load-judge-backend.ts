import { ClipJudge, type ClipJudgeOptions } from '../clip/clip-judge';
import { QualityModel } from '../quality/quality-model';
import { VisionJudge } from '../vision/vision-judge';
import type { JudgeBackend } from './judge-backend';
import { StatisticsJudge } from './statistics-judge';

/** Which backend to load and how: plain data, so it can travel to a worker thread. */
export type JudgeBackendSpec =
  | { kind: 'clip'; clip: ClipJudgeOptions; textCacheSize?: number }
  | { kind: 'vision'; qualityModel?: string }
  | { kind: 'statistics' };

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
  // A model file that cannot be read leaves the vision judge on its hand-made proxy (reason reported), not down.
  let qualityModel: QualityModel | undefined;
  let modelProblem: string | undefined;
  if (spec.qualityModel) {
    try {
      qualityModel = QualityModel.load(spec.qualityModel);
    } catch (e) {
      modelProblem = e instanceof Error ? e.message : String(e);
    }
  }
  try {
    const vision = await VisionJudge.load({ qualityModel });
    await vision.warmUp();
    return { backend: vision, ...(modelProblem ? { fallback: modelProblem } : {}) };
  } catch (e) {
    return {
      backend: new StatisticsJudge(),
      fallback: `vision judge unavailable: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}
