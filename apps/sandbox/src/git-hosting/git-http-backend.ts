import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import type { Request, Response } from 'express';
import { GitCli } from '../common/git-cli';

export interface GitCgiCall {
  /** Directory holding the bare repositories. */
  projectRoot: string;
  /** `/<repo>.git/info/refs` and the like, below projectRoot. */
  pathInfo: string;
  /** Set so `git http-backend` allows pushes (receive-pack refuses anonymous users). */
  remoteUser: string;
}

/**
 * Smart HTTP through `git http-backend` run as a CGI program: the request body is
 * piped to its stdin, its CGI headers become the HTTP status and headers, and the rest of its
 * output streams back. Pushes may create branches and force-update them (receive.* defaults).
 */
@Injectable()
export class GitHttpBackend implements OnModuleDestroy {
  private readonly logger = new Logger('GitHttpBackend');
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly git: GitCli) {}

  onModuleDestroy(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  /** Resolves once the response is complete (or the client went away). */
  serve(req: Request, res: Response, call: GitCgiCall): Promise<void> {
    const env = this.git.env({
      GIT_PROJECT_ROOT: call.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: call.pathInfo,
      REQUEST_METHOD: req.method,
      QUERY_STRING: req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: call.remoteUser,
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { HTTP_GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    });
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined); // the backend may stop reading early; its answer says why
    req.pipe(child.stdin);
    return new Promise((resolve) => {
      let head = Buffer.alloc(0);
      let headersDone = false;
      child.stdout.on('data', (chunk: Buffer) => {
        if (headersDone) return void res.write(chunk);
        head = Buffer.concat([head, chunk]);
        const split = headerEnd(head);
        if (!split) return;
        headersDone = true;
        writeCgiHeaders(res, head.subarray(0, split.at).toString('latin1'));
        const body = head.subarray(split.at + split.length);
        if (body.length) res.write(body);
      });
      child.on('close', (code) => {
        this.children.delete(child);
        if (code !== 0 && stderr.trim())
          this.logger.warn(`git http-backend ${call.pathInfo} exited ${code}: ${stderr.trim()}`);
        if (!headersDone && !res.headersSent) res.status(500).type('text/plain').send('git http-backend failed');
        else res.end();
        resolve();
      });
      res.on('close', () => {
        if (child.exitCode === null) child.kill('SIGTERM');
      });
    });
  }
}

function headerEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : undefined;
}

function writeCgiHeaders(res: Response, block: string): void {
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else res.setHeader(name, value);
  }
  res.status(status);
}
