import { Logger } from '@nestjs/common';

/**
 * Runs `pass` every `intervalMs`, never two passes at once (a slow pass delays the next instead of overlapping it),
 * logging failures instead of throwing. `stop()` clears the timer and waits for the pass in flight.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.current = this.current
        .then(async () => void (await this.pass()))
        .catch((err: Error) => this.logger.warn(`${this.name} pass failed: ${err.message}`));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }
}
