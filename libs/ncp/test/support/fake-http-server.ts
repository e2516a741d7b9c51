import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server standing in for a third party (NCP, a registry) in unit specs: it records
 * every request and answers from a route table, so a spec states what was sent and what came back.
 */
export interface RecordedRequest {
  method: string;
  /** The request target exactly as received: path plus raw query. */
  target: string;
  pathname: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export type Reply =
  | { status?: number; headers?: Record<string, string>; json?: unknown; text?: string }
  /** Never answer (to trip a timeout). */
  | 'hang'
  /** Drop the connection without an answer. */
  | 'destroy';

export type Responder = (req: RecordedRequest) => Reply | Promise<Reply>;

interface Route {
  method: string;
  match: string | RegExp;
  responder: Responder;
}

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  connections = 0;
  private readonly routes: Route[] = [];
  private readonly server: http.Server;
  private guard?: (req: RecordedRequest) => Reply | undefined;

  private constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', () => this.connections++);
  }

  static async start(): Promise<FakeHttpServer> {
    const fake = new FakeHttpServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers `method` requests whose pathname equals `match` (or matches the RegExp). Later routes win. */
  on(method: string, match: string | RegExp, responder: Responder | Reply): this {
    this.routes.unshift({ method, match, responder: typeof responder === 'function' ? responder : () => responder });
    return this;
  }

  /** Answers the listed replies in order, then repeats the last one. */
  sequence(method: string, match: string | RegExp, replies: Reply[]): this {
    let i = 0;
    return this.on(method, match, () => replies[Math.min(i++, replies.length - 1)]);
  }

  /** Runs before routing; a returned reply short-circuits (e.g. a signature check). */
  before(guard: (req: RecordedRequest) => Reply | undefined): this {
    this.guard = guard;
    return this;
  }

  requestsTo(method: string, pathname: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.pathname === pathname);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', 'http://x');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      target: req.url ?? '',
      pathname: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body,
      json,
    };
    this.requests.push(recorded);
    const route = this.routes.find(
      (r) =>
        r.method === recorded.method &&
        (typeof r.match === 'string' ? r.match === recorded.pathname : r.match.test(recorded.pathname)),
    );
    const reply: Reply =
      this.guard?.(recorded) ??
      (route
        ? await route.responder(recorded)
        : { status: 404, json: { error: { errorCode: '300', message: 'Not Found Exception' } } });
    if (reply === 'hang') return;
    if (reply === 'destroy') {
      req.socket.destroy();
      return;
    }
    const text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, {
      ...(reply.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...reply.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
}
