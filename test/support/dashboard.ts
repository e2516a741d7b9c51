import { request } from 'undici';

export interface DashboardAnswer {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The headers the original dashboard sends on every call (its lib/api.ts), the token aside. */
export const DASHBOARD_HEADERS = 'authorization,cache-control,content-type,pragma';

/**
 * Calls the gateway the way the original K-Le-PaaS dashboard does (docs/compat.md): from another
 * origin, with Cache-Control and Pragma, `user_id` twice and a `t` cache-buster on every query,
 * and `user_id` in every JSON body. The `user_id` it sends is deliberately not the token's user.
 */
export class DashboardClient {
  constructor(
    readonly gatewayUrl: string,
    readonly origin: string,
    public token?: string,
    readonly claimedUserId = 'someone-else',
  ) {}

  get(path: string) {
    return this.call('GET', path);
  }

  post(path: string, body: Record<string, unknown> = {}) {
    return this.call('POST', path, body);
  }

  async call(method: 'GET' | 'POST' | 'PUT', path: string, body?: Record<string, unknown>): Promise<DashboardAnswer> {
    const u = encodeURIComponent(this.claimedUserId);
    const url = `${this.gatewayUrl}/api/v1${path}${path.includes('?') ? '&' : '?'}user_id=${u}&user_id=${u}&t=${Date.now()}`;
    const res = await request(url, {
      method,
      headers: {
        origin: this.origin,
        'content-type': 'application/json',
        'cache-control': 'no-cache',
        pragma: 'no-cache',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify({ ...body, user_id: this.claimedUserId }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: parseJson(text), text, headers: res.headers };
  }

  /** The browser's CORS preflight before a call with the dashboard's headers. */
  async preflight(method: string, path: string, origin = this.origin): Promise<DashboardAnswer> {
    const res = await request(`${this.gatewayUrl}/api/v1${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': DASHBOARD_HEADERS,
      },
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: null, text, headers: res.headers };
  }
}

/** The body as JSON, or null when it is empty or not JSON (which the dashboard would fail on). */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** What the dashboard needs of every answer: a JSON body (never empty) its origin may read. */
export function readableByDashboard(answer: DashboardAnswer, origin: string): boolean {
  return (
    String(answer.headers['content-type']).startsWith('application/json') &&
    answer.body !== null &&
    typeof answer.body === 'object' &&
    answer.headers['access-control-allow-origin'] === origin
  );
}
