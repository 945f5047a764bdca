import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';

/**
 * Test-only fault injection: FAULT_CRASH_AFTER_COMMIT=<op,...> kills the process with SIGKILL right after the
 * named operation's transaction committed and before the outbox relay could publish its event. Called
 * synchronously after the commit resolves, so no other I/O callback (the relay's) can run in between.
 * Ignored in production.
 */
@Injectable()
export class FaultInjector {
  private readonly logger = new Logger('FaultInjector');
  private readonly crashAfter: Set<string>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>) {
    const ops = config.env.FAULT_CRASH_AFTER_COMMIT.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    this.crashAfter = new Set(config.nodeEnv === 'production' ? [] : ops);
    if (ops.length > 0 && config.nodeEnv === 'production') this.logger.warn('FAULT_CRASH_AFTER_COMMIT ignored');
  }

  afterCommit(operation: string): void {
    if (!this.crashAfter.has(operation)) return;
    this.logger.error(`fault injection: SIGKILL after committing ${operation}`);
    process.kill(process.pid, 'SIGKILL');
  }
}
