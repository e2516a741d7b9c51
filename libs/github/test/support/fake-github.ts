import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server standing in for GitHub in unit specs: it records every request and
 * answers from a queue per route, so a spec states what was sent and what came back.
 */
export interface Seen {
  method: string;
  /** Path plus raw query, as received. */
  target: string;
  headers: http.IncomingHttpHeaders;
  json: unknown;
}

export type Reply = { status?: number; headers?: Record<string, string>; json?: unknown; text?: string } | 'destroy';

export class FakeGithub {
  readonly requests: Seen[] = [];
  private readonly routes = new Map<string, Reply[]>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  static async start(): Promise<FakeGithub> {
    const fake = new FakeGithub();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers `METHOD /path` (query ignored) with the replies in order, repeating the last. */
  on(method: string, path: string, ...replies: Reply[]): this {
    this.routes.set(`${method} ${path}`, replies);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.requests.push({
      method: req.method ?? '',
      target: req.url ?? '',
      headers: req.headers,
      json: body ? JSON.parse(body) : undefined,
    });
    const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    const queue = this.routes.get(key);
    const reply: Reply = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? {
      status: 404,
      json: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
    };
    if (reply === 'destroy') {
      req.socket.destroy();
      return;
    }
    const text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, {
      ...(reply.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...reply.headers,
    });
    res.end(text);
  }
}
