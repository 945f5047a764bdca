import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type ServiceName } from '@atelier/config';
import { connectMesh } from '@atelier/messaging';
import { NestPinoLogger, createLogger, shutdownTracing } from '@atelier/observability';
import { httpMetricsMiddleware } from './http-metrics';

export interface BootstrapOptions {
  nestOptions?: NestApplicationOptions;
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts one service as a hybrid app: validated config, JSON logs, the mesh transport (its controllers'
 * @EventPattern / @MessagePattern handlers), HTTP for health/metrics (and the API for the gateway), graceful shutdown
 * on SIGTERM/SIGINT (stop consuming, finish in-flight work, close connections).
 */
export async function bootstrapService(
  service: ServiceName,
  appModule: Type<unknown>,
  options: BootstrapOptions = {},
): Promise<INestApplication> {
  const config = loadConfig(service);
  const logger = createLogger(service, config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  const app = await NestFactory.create(appModule, {
    ...options.nestOptions,
    logger: new NestPinoLogger(logger),
  });
  // Not enableShutdownHooks(): after closing it re-raises the signal, so a drained service would end "killed by
  // SIGTERM" instead of exiting 0, which orchestrators and the chaos suite read as a crash.
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, `${service} shutting down`);
    // server.close() waits for every open connection, and a keep-alive client that keeps reusing its socket
    // (a load balancer, a busy API client) would hold it open forever: close sockets as they go idle, and answer
    // the requests still arriving with `Connection: close` (the middleware below) so clients reconnect elsewhere.
    const server = app.getHttpServer() as import('node:http').Server;
    const idle = setInterval(() => server.closeIdleConnections(), 200);
    app.close().then(
      async () => {
        clearInterval(idle);
        // Buffered spans go out before the process does (a no-op with tracing off).
        await shutdownTracing();
        process.exit(0);
      },
      (err: Error) => {
        logger.error({ err }, `${service} shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  app.use((_req: unknown, res: import('node:http').ServerResponse, next: () => void) => {
    if (closing) res.setHeader('connection', 'close');
    next();
  });
  app.use(httpMetricsMiddleware);
  try {
    await options.configure?.(app);
    connectMesh(app);
    // Migrations and the outbox relay start in init; consuming starts only after them.
    await app.init();
    await app.startAllMicroservices();
    const server = app.getHttpServer() as import('node:http').Server;
    // Idle keep-alive sockets live longer here than in any client of the mesh (undici: 4 s, nginx: 60 s), so a
    // client never reuses a socket this server is closing at that instant (bursts of 503 under load).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await app.listen(config.httpPort, '0.0.0.0');
  } catch (err) {
    // A lifecycle hook refused to start (e.g. a configured backend is unavailable): exit non-zero instead of
    // idling with open database and broker connections and no HTTP server.
    logger.fatal({ err }, `${service} failed to start: ${(err as Error).message}`);
    process.exit(1);
  }
  logger.info({ port: config.httpPort, pid: process.pid }, `${service} ready`);
  return app;
}
