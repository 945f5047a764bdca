import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ModelLoadError, OnnxModel, type ExecutionProvider, type OnnxSessionOptions } from './onnx-session';

/** Where a model should run: `auto` = CUDA when its provider is installed and starts, else CPU. */
export type OnnxDevice = 'auto' | 'cpu' | 'cuda';

const CUDA_PROVIDER_LIB = 'libonnxruntime_providers_cuda.so';

/**
 * Whether onnxruntime-node's CUDA provider library sits beside its native binding. The npm package ships the CPU
 * build only; the CUDA libraries come from its install script (skipped here by `.npmrc`) or are copied in by ops.
 * Asking onnxruntime for 'cuda' without them fails and prints a native error, so we look before we ask.
 */
export function cudaProviderInstalled(): boolean {
  let bin: string;
  try {
    bin = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin');
  } catch {
    return false;
  }
  if (!existsSync(bin)) return false;
  // bin/napi-v<N>/<platform>/<arch>/
  return readdirSync(bin).some((napi) =>
    existsSync(join(bin, napi, process.platform, process.arch, CUDA_PROVIDER_LIB)),
  );
}

/** A loaded model and the provider it runs on, with why when it is not the one asked for. */
export interface DeviceModel {
  model: OnnxModel;
  provider: ExecutionProvider;
  /** Why CPU was used under `auto` (no CUDA provider installed, or it failed to start). */
  fallbackReason?: string;
}

/**
 * Loads a model on a device. `cuda` insists (a ModelLoadError when CUDA cannot start); `auto` tries CUDA when its
 * provider is installed and falls back to CPU when it is absent or fails (no GPU, driver mismatch), saying why.
 */
export async function loadOnDevice(
  file: string,
  device: OnnxDevice,
  options: Omit<OnnxSessionOptions, 'executionProviders'> = {},
): Promise<DeviceModel> {
  if (device === 'cpu') {
    return { model: await OnnxModel.load(file, { ...options, executionProviders: ['cpu'] }), provider: 'cpu' };
  }
  if (device === 'cuda') {
    if (!cudaProviderInstalled()) {
      throw new ModelLoadError(file, `CUDA requested but onnxruntime-node has no ${CUDA_PROVIDER_LIB} installed`);
    }
    return { model: await OnnxModel.load(file, { ...options, executionProviders: ['cuda'] }), provider: 'cuda' };
  }
  if (!cudaProviderInstalled()) {
    return {
      model: await OnnxModel.load(file, { ...options, executionProviders: ['cpu'] }),
      provider: 'cpu',
      fallbackReason: `onnxruntime-node CUDA provider not installed (${CUDA_PROVIDER_LIB})`,
    };
  }
  try {
    return { model: await OnnxModel.load(file, { ...options, executionProviders: ['cuda'] }), provider: 'cuda' };
  } catch (e) {
    // A missing/corrupt file fails the same way on CPU; only a CUDA start-up failure is worth the fallback.
    const model = await OnnxModel.load(file, { ...options, executionProviders: ['cpu'] });
    return { model, provider: 'cpu', fallbackReason: `CUDA failed to start: ${(e as Error).message}` };
  }
}
