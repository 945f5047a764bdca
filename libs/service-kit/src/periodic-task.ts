import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { underAdvisoryLock } from './advisory-lock';

/** One pass at a time across every replica: the pass runs only where the advisory lock `lock` is won. */
export interface ExclusivePass {
  dataSource: DataSource;
  lock: string;
}

/**
 * Runs `pass` every `intervalMs`, never two passes at once (a slow pass delays the next instead of overlapping it),
 * logging failures instead of throwing. `stop()` clears the timer and waits for the pass in flight.
 * With `exclusive`, replicas of a service take turns: a tick that finds another replica's pass running skips.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
    private readonly exclusive?: ExclusivePass,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.current = this.current
        .then(async () => void (await this.runOnce()))
        .catch((err: Error) => this.logger.warn(`${this.name} pass failed: ${err.message}`));
    }, this.intervalMs);
  }

  /** One pass now (under the lock when exclusive); false when another replica held it. */
  async runOnce(): Promise<boolean> {
    if (!this.exclusive) {
      await this.pass();
      return true;
    }
    return (await underAdvisoryLock(this.exclusive.dataSource, this.exclusive.lock, this.pass)).ran;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }
}
