import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import {
  GenerationReadModelRepository,
  TERMINAL_STATUSES,
  type GenerationStatus,
  type StepRow,
} from './generation-read-model.repository';
import { GenerationStepsFeed } from './generation-steps-feed';

const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for one generation: every saga step as `event: step` (id = the step's event id),
 * past steps replayed on connect (after Last-Event-ID when the browser reconnects), then `event: end`
 * with the terminal status, and the stream closes. New steps are pushed by the steps feed; a poll of the
 * steps table covers missed notifications.
 */
@Injectable()
export class GenerationEventStream implements BeforeApplicationShutdown {
  private readonly logger = new Logger('GenerationEventStream');
  private readonly open = new Set<() => void>();

  constructor(
    private readonly readModel: GenerationReadModelRepository,
    private readonly feed: GenerationStepsFeed,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  /** The caller has already checked ownership. */
  serve(generationId: string, req: Request, res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // nginx must not buffer the stream.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n\n');

    const sent = new Set<string>();
    const lastEventId = req.header('last-event-id');
    let skipUntilLast = typeof lastEventId === 'string' && lastEventId.length > 0;
    let closed = false;
    let running = false;
    let again = false;

    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(poll);
      clearInterval(heartbeat);
      this.open.delete(close);
      res.end();
    };

    const pump = async (): Promise<void> => {
      if (closed) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          // Status before steps: a terminal status read first guarantees its step is in the read after.
          const status = await this.readModel.status(generationId);
          const steps = await this.readModel.steps(generationId);
          if (skipUntilLast) {
            // Reconnect: the browser has everything up to and including Last-Event-ID.
            const at = steps.findIndex((s) => s.event_id === lastEventId);
            if (at >= 0) for (const s of steps.slice(0, at + 1)) sent.add(s.event_id);
            skipUntilLast = false;
          }
          for (const step of steps) {
            if (sent.has(step.event_id) || closed) continue;
            sent.add(step.event_id);
            res.write(formatStep(step));
          }
          if (status && TERMINAL_STATUSES.includes(status)) {
            res.write(formatEnd(status));
            close();
          }
        } while (again && !closed);
      } catch (err) {
        this.logger.warn(`event stream of ${generationId}: ${(err as Error).message}`);
      } finally {
        running = false;
      }
    };

    const unsubscribe = this.feed.subscribe(generationId, () => void pump());
    const poll = setInterval(() => void pump(), this.config.env.SSE_POLL_INTERVAL_MS);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.open.add(close);
    req.on('close', close);
    void pump();
  }

  beforeApplicationShutdown(): void {
    // Browsers reconnect (to another replica) with Last-Event-ID.
    for (const close of [...this.open]) close();
  }
}

function formatStep(step: StepRow): string {
  const data = { event: step.event_type, status: step.status, at: step.at };
  return `id: ${step.event_id}\nevent: step\ndata: ${JSON.stringify(data)}\n\n`;
}

function formatEnd(status: GenerationStatus): string {
  return `event: end\ndata: ${JSON.stringify({ status })}\n\n`;
}
