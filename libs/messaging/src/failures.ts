/** An error that retrying cannot fix: bad input, or a backend saying 4xx. Goes straight to the DLQ. */
export class FatalError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FatalError';
  }
}

/** A failure of a remote backend, carrying its HTTP status so it can be classified. */
export class BackendHttpError extends Error {
  constructor(
    readonly backend: string,
    readonly status: number,
    message: string,
  ) {
    super(`${backend} answered ${status}: ${message}`);
    this.name = 'BackendHttpError';
  }
}

export type FailureClass = 'fatal' | 'transient';

/** 4xx are the caller's fault and will not change on retry, except timeouts and rate limits. */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof FatalError) return 'fatal';
  if (error instanceof BackendHttpError) {
    const s = error.status;
    return s >= 400 && s < 500 && s !== 408 && s !== 425 && s !== 429 ? 'fatal' : 'transient';
  }
  return 'transient';
}

export function failureCode(error: unknown): string {
  if (error instanceof FatalError) return error.code;
  if (error instanceof BackendHttpError) {
    if (error.status === 401 || error.status === 403) return 'backend_unauthorized';
    if (error.status === 404) return 'backend_not_found';
    if (error.status === 429) return 'backend_rate_limited';
    return error.status >= 500 ? 'backend_unavailable' : 'backend_rejected';
  }
  return 'internal_error';
}

export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500);
