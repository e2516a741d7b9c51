import { Agent, type Dispatcher, request } from 'undici';
import { operationOf, type NcpCallObserver } from './call-observer';
import { NcpNetworkError } from './errors';
import {
  DEFAULT_RETRY_OPTIONS,
  isNotSentNetworkError,
  isRetryableNetworkError,
  isRetryableStatus,
  networkErrorCode,
  retryDelay,
  type RetryOptions,
} from './retry-policy';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface NcpTimeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From request sent to response headers received. */
  headersMs: number;
  /** Longest silence while the body streams. */
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: Readonly<NcpTimeouts> = { connectMs: 5_000, headersMs: 30_000, bodyMs: 30_000 };

export interface NcpHttpOptions {
  retry?: Partial<RetryOptions>;
  timeouts?: Partial<NcpTimeouts>;
  /** Sockets kept per origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
  /** Use this dispatcher instead of an own Agent (then close() leaves it open). */
  dispatcher?: Dispatcher;
  /** Clock, randomness and waiting, injectable so tests need no real time. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told of every call once it ends (metrics); never allowed to fail the call. */
  onCall?: NcpCallObserver;
}

export interface RawRequest {
  /** Label for errors, e.g. `SourceBuild`. */
  service: string;
  method: HttpMethod;
  url: URL;
  /** Built again for every attempt, so a signature's timestamp is fresh after a long wait. */
  headers?: (nowMs: number) => Record<string, string>;
  body?: string;
  /**
   * False for calls that must not run twice (start a build, a deploy, a pipeline): then only 429
   * (refused by the gateway) and failures before the request left are retried.
   */
  idempotent?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  attempts: number;
}

/**
 * The one transport for every NCP client: one keep-alive undici Agent with timeouts, and the
 * retry loop. It knows nothing about signing or `{result}` bodies; it returns the final answer
 * (a retryable status included, once attempts run out) and throws only when no answer came.
 */
export class NcpHttp {
  readonly retry: RetryOptions;
  readonly timeouts: NcpTimeouts;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly onCall?: NcpCallObserver;

  constructor(options: NcpHttpOptions = {}) {
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    if (!(this.retry.attempts >= 1)) throw new Error('NcpHttp retry.attempts must be at least 1');
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections ?? 16,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
        connect: { timeout: this.timeouts.connectMs },
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
      });
    this.clock = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.wait = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.onCall = options.onCall;
  }

  now(): number {
    return this.clock();
  }

  sleep(ms: number): Promise<void> {
    return this.wait(ms);
  }

  async send(req: RawRequest): Promise<RawResponse> {
    if (!this.onCall) return this.attempts(req);
    const started = this.clock();
    const observe = (status: number, attempts: number) => {
      try {
        this.onCall?.({
          service: req.service,
          operation: operationOf(req.method, req.url),
          status,
          attempts,
          durationMs: this.clock() - started,
        });
      } catch {
        /* metrics never fail a call */
      }
    };
    try {
      const response = await this.attempts(req);
      observe(response.status, response.attempts);
      return response;
    } catch (error) {
      observe(0, (error as { attempts?: number }).attempts ?? 1);
      throw error;
    }
  }

  private async attempts(req: RawRequest): Promise<RawResponse> {
    const idempotent = req.idempotent ?? true;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.attempts;
      let response: RawResponse;
      try {
        response = await this.once(req, attempt);
      } catch (error) {
        const retry = idempotent ? isRetryableNetworkError(error) : isNotSentNetworkError(error);
        if (last || !retry) throw this.networkError(req, error, attempt);
        await this.wait(retryDelay(attempt, undefined, this.retry, this.clock(), this.random));
        continue;
      }
      const retry = idempotent ? isRetryableStatus(response.status) : response.status === 429;
      if (last || !retry) return response;
      await this.wait(retryDelay(attempt, response.headers['retry-after'], this.retry, this.clock(), this.random));
    }
  }

  /** Closes the pooled sockets (only when this instance created the Agent). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async once(req: RawRequest, attempt: number): Promise<RawResponse> {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers?.(this.clock()),
      body: req.body,
      dispatcher: this.dispatcher,
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    });
    // Always drain the body: an unread body keeps the socket from going back to the pool.
    const body = await res.body.text();
    return { status: res.statusCode, headers: res.headers, body, attempts: attempt };
  }

  private networkError(req: RawRequest, error: unknown, attempts: number): NcpNetworkError {
    const code = networkErrorCode(error);
    const reason = error instanceof Error ? error.message : String(error);
    return new NcpNetworkError({
      call: { service: req.service, method: req.method, url: req.url.toString() },
      code,
      errorCode: undefined,
      ncpMessage: `${code ?? 'network error'}: ${reason}`,
      attempts,
      cause: error,
    });
  }
}
