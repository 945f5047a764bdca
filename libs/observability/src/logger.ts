import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { currentMessageContext } from './message-context';
import { activeTraceIds } from './tracing';

/** Structured JSON logs; correlation and causation ids come from the current message context, trace ids from the active span. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const ctx = currentMessageContext();
      // trace_id / span_id of the active span (tracing on), so a log line leads to its trace.
      const ids = activeTraceIds();
      return ctx
        ? {
            correlation_id: ctx.correlationId,
            causation_id: ctx.causationId,
            event_id: ctx.eventId,
            event_type: ctx.eventType,
            ...ids,
          }
        : ids;
    },
  });
}

/** Adapts pino to Nest's LoggerService so framework logs are JSON with the same fields. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    rest: unknown[],
  ): void {
    // Nest passes the context (class name) as the last string argument.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const extra = rest.filter((r) => r !== context);
    const err = extra.find((r): r is Error => r instanceof Error);
    const stack = extra.find((r): r is string => typeof r === 'string');
    if (message instanceof Error) this.logger[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context, err, stack }, String(message));
  }
}
