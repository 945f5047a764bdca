import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError } from '@atelier/messaging';
import { BackendHttpClient, type BackendHttpAnswer } from '../http/backend-http-client';
import { ImageBackend } from './image-backend';

/**
 * An image backend behind a remote JSON API (hf, openai, a1111): the generator's config, and POSTs through the
 * one BackendHttpClient, which owns the failure rules they share (timeout per attempt, 429/503 retried honouring
 * Retry-After, 4xx fatal and 5xx transient, size-capped answers). Subclasses only shape the request and read the
 * answer.
 */
@Injectable()
export abstract class HttpImageBackend extends ImageBackend {
  constructor(
    @Inject(SERVICE_CONFIG) protected readonly config: ServiceConfig<'generator'>,
    protected readonly http: BackendHttpClient,
  ) {
    super();
  }

  /** POSTs `body` as JSON; headers given as '' or undefined (an unset token) are left out. */
  protected postJson(
    url: URL,
    body: unknown,
    headers: Record<string, string | undefined> = {},
  ): Promise<BackendHttpAnswer> {
    const set = Object.entries(headers).filter((h): h is [string, string] => Boolean(h[1]));
    return this.http.post(
      this.name,
      url,
      { 'content-type': 'application/json', ...Object.fromEntries(set) },
      JSON.stringify(body),
    );
  }

  /** The answer as JSON; anything else is fatal: a server that answers this way will not change on retry. */
  protected parseJsonAnswer<T>(answer: BackendHttpAnswer, what: string = this.name): T {
    try {
      return JSON.parse(answer.body.toString('utf8')) as T;
    } catch {
      throw new FatalError(`${what} answer is not JSON`, 'backend_bad_answer');
    }
  }
}

/** `Bearer <token>`, or undefined when no token is configured. */
export const bearer = (token: string): string | undefined => (token ? `Bearer ${token}` : undefined);
