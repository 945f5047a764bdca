import { Global, Injectable, Module } from '@nestjs/common';

/** 'up' counts as ready; anything else ('loading', 'down', …) makes /health/ready answer 503. */
export type ReadinessState = string;

/**
 * Extra readiness conditions a service registers besides database and broker (e.g. the judge's models
 * finished loading). Checks are synchronous reads of state the owner keeps current.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, () => ReadinessState>();

  register(name: string, check: () => ReadinessState): void {
    this.checks.set(name, check);
  }

  evaluate(): Record<string, ReadinessState> {
    return Object.fromEntries([...this.checks].map(([name, check]) => [name, check()]));
  }
}

@Global()
@Module({ providers: [ReadinessChecks], exports: [ReadinessChecks] })
export class ReadinessModule {}
