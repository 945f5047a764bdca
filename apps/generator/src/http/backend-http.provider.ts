import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { BackendHttpClient } from './backend-http-client';

/** One HTTP client for every remote image backend, configured from the generator's env. */
export const BACKEND_HTTP_CLIENT_PROVIDER: Provider = {
  provide: BackendHttpClient,
  inject: [SERVICE_CONFIG],
  useFactory: ({ env }: ServiceConfig<'generator'>) =>
    new BackendHttpClient({
      timeoutMs: env.GENERATOR_HTTP_TIMEOUT_MS,
      retries: env.GENERATOR_HTTP_RETRIES,
      baseDelayMs: env.GENERATOR_HTTP_RETRY_BASE_MS,
      maxRetryWaitMs: env.GENERATOR_HTTP_MAX_RETRY_WAIT_MS,
      // JSON answers carry up to 4 images in base64 (4/3 of the bytes each).
      maxBodyBytes: env.GENERATOR_MAX_IMAGE_BYTES * 6,
    }),
};
