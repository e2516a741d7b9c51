import { once } from 'node:events';
import * as net from 'node:net';

/**
 * One HTTP/1.1 upload over a raw socket, sent as fast as the server takes it (writes wait for
 * the socket to drain), so `accepted` tells how much the server really let in before it answered
 * or closed the connection. For testing how intake treats large, slow and chunked bodies.
 */
export class RawUpload {
  response = '';
  closed = false;
  error: string | null = null;
  private constructor(
    private readonly socket: net.Socket,
    private readonly chunked: boolean,
  ) {
    socket.on('data', (d: Buffer) => (this.response += d.toString('latin1')));
    socket.on('close', () => (this.closed = true));
    socket.on('error', (e: NodeJS.ErrnoException) => (this.error = e.code ?? e.message));
  }

  /** Opens the connection and sends the request head: chunked unless `contentLength` is given. */
  static async start(
    baseUrl: string,
    path: string,
    headers: Record<string, string>,
    contentLength?: number,
  ): Promise<RawUpload> {
    const { hostname, port } = new URL(baseUrl);
    const socket = net.connect(Number(port), hostname);
    await once(socket, 'connect');
    const upload = new RawUpload(socket, contentLength === undefined);
    const framing = contentLength === undefined ? 'transfer-encoding: chunked' : `content-length: ${contentLength}`;
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
    socket.write(`POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${[...lines, framing].join('\r\n')}\r\n\r\n`);
    return upload;
  }

  /** Bytes the kernel took from us (what the server could have read, plus its socket buffers). */
  get accepted(): number {
    return this.socket.bytesWritten;
  }

  get status(): number | null {
    const match = /^HTTP\/1\.1 (\d{3})/.exec(this.response);
    return match ? Number(match[1]) : null;
  }

  header(name: string): string | undefined {
    const head = this.response.split('\r\n\r\n', 1)[0];
    const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line?.slice(name.length + 1).trim();
  }

  /** Sends `body` (in pieces of `piece` bytes), stopping early if the connection closes. */
  async send(body: Buffer, piece = 64 * 1024): Promise<void> {
    for (let at = 0; at < body.length && !this.closed && !this.error; at += piece) {
      const part = body.subarray(at, at + piece);
      const framed = this.chunked
        ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')])
        : part;
      if (!this.socket.write(framed)) await this.drained();
    }
  }

  /** Sends `total` bytes of filler, as fast as the server takes them. */
  async flood(total: number, piece = 64 * 1024): Promise<void> {
    const filler = Buffer.alloc(piece, 0x20);
    for (let sent = 0; sent < total && !this.closed && !this.error; sent += piece) {
      const framed = this.chunked
        ? Buffer.concat([Buffer.from(`${piece.toString(16)}\r\n`), filler, Buffer.from('\r\n')])
        : filler;
      if (!this.socket.write(framed)) await this.drained();
    }
  }

  /** Ends a chunked body. */
  finish(): void {
    if (this.chunked && !this.closed && !this.error) this.socket.write('0\r\n\r\n');
  }

  /** Waits for the connection to close (at most `timeoutMs`); true if it did. */
  async untilClosed(timeoutMs = 10_000): Promise<boolean> {
    if (this.closed) return true;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([once(this.socket, 'close'), timer]);
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private async drained(): Promise<void> {
    await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close'), once(this.socket, 'error')]).catch(
      () => undefined,
    );
  }
}
