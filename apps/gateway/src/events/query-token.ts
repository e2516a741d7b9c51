import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';

/** The live event stream: the one route that takes its token from the query (EventSource sends no headers). */
export const EVENTS_PATH = '/api/v1/events';
const TOKEN_PARAM = 'access_token';

/**
 * Takes `?access_token=` out of every request URL before anything else sees the request (Express,
 * the request logger that logs the URL, error logs), straight from the HTTP server as the webhook
 * routes are served. On the events route it becomes the bearer token when no Authorization header
 * was sent; elsewhere it is dropped, never honoured.
 */
export function takeQueryToken(req: IncomingMessage): void {
  const url = req.url ?? '';
  const start = url.indexOf('?');
  if (start < 0 || !url.includes(TOKEN_PARAM, start)) return;
  const params = new URLSearchParams(url.slice(start + 1));
  if (!params.has(TOKEN_PARAM)) return;
  const token = params.get(TOKEN_PARAM);
  params.delete(TOKEN_PARAM);
  const path = url.slice(0, start);
  const rest = params.toString();
  req.url = rest ? `${path}?${rest}` : path;
  if (token && path === EVENTS_PATH && !req.headers.authorization) req.headers.authorization = `Bearer ${token}`;
}

/** Puts `takeQueryToken` ahead of every other request listener of the gateway's HTTP server. */
@Injectable()
export class QueryTokenIntake implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const server: Server | undefined = this.adapterHost.httpAdapter?.getHttpServer();
    server?.prependListener('request', takeQueryToken);
  }
}
