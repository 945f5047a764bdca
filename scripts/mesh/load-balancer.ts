import { type Server, type Socket, connect, createServer } from 'node:net';

/** How long a replica that refused a connection is passed over before it is tried again. */
const COOL_DOWN_MS = 500;

/**
 * A tiny local TCP load balancer in front of a service's replicas (the test and bench meshes' stand-in for nginx):
 * each new client connection goes to the next replica round-robin; a replica that refuses the connection (dead,
 * restarting) is skipped for a moment and the connection is tried on the next one, so a client never sees a refusal
 * while any replica is up. Whole connections are forwarded (keep-alive, SSE), never parsed.
 */
export class LoadBalancer {
  private server?: Server;
  private next = 0;
  private readonly downUntil = new Map<number, number>();
  private readonly sockets = new Set<Socket>();
  /** Connections that found no replica listening (every one refused). */
  refused = 0;

  constructor(
    readonly port: number,
    private readonly backends: () => number[],
  ) {}

  async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  private accept(client: Socket): void {
    this.track(client);
    client.pause();
    const ports = this.order();
    const attempt = (i: number): void => {
      if (i >= ports.length) {
        this.refused++;
        client.destroy();
        return;
      }
      const upstream = connect(ports[i], '127.0.0.1');
      this.track(upstream);
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.resume();
      });
      upstream.once('error', () => {
        this.downUntil.set(ports[i], Date.now() + COOL_DOWN_MS);
        upstream.destroy();
        if (!client.destroyed) attempt(i + 1);
      });
    };
    client.once('error', () => client.destroy());
    attempt(0);
  }

  /** Round-robin order starting at the next replica; replicas that just refused go last. */
  private order(): number[] {
    const all = this.backends();
    if (all.length === 0) return [];
    const start = this.next++ % all.length;
    const rotated = [...all.slice(start), ...all.slice(0, start)];
    const now = Date.now();
    const up = rotated.filter((p) => (this.downUntil.get(p) ?? 0) <= now);
    return [...up, ...rotated.filter((p) => !up.includes(p))];
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
