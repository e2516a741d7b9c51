import type { AppName, RawEnv } from './env';

/** What guards the edge: bearer tokens, registration, webhook intake, live streams. */
export interface SecuritySettings {
  jwtSecret?: string;
  /** `iss` and `aud` every bearer token must carry. */
  jwtIssuer: string;
  jwtAudience: string;
  /** The least GitHub permission on a repository that lets a caller register it. */
  registrationPermission: 'admin' | 'write';
  /** AES-256-GCM key that encrypts the per-project webhook secrets at rest (32 bytes). */
  webhookSecretKey?: Buffer;
  /** Webhook body bytes all requests may hold at once; beyond it a delivery gets 503. */
  webhookBytesInFlight: number;
  /** Time a webhook body may take to arrive before the connection is dropped. */
  webhookBodyTimeoutMs: number;
  /** Live event streams one user may hold open at once (per gateway process). */
  eventStreamsPerUser: number;
}

/** HS256 with a short secret can be brute-forced offline from a single token. */
export const MIN_JWT_SECRET_BYTES = 32;

/**
 * The sandbox's development key for webhook secrets at rest (README): never used outside sandbox
 * mode, where KLEPAAS_WEBHOOK_SECRET_KEY is required.
 */
export const SANDBOX_WEBHOOK_SECRET_KEY = '7330159f394bcff8b5cdba95ff1022c91f5e15c82cd2c1fd9e3df1132e479886';

/** The value deploy/secrets.env.example and .env.production.example show: refused outside sandbox mode. */
export const EXAMPLE_WEBHOOK_SECRET_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

const DEFAULT_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;
const DEFAULT_STREAMS_PER_USER = 10;

export function checkSecurity(app: AppName, e: RawEnv, problems: string[], warnings: string[]): void {
  const jwtBytes = e.KLEPAAS_JWT_SECRET ? Buffer.byteLength(e.KLEPAAS_JWT_SECRET) : 0;
  if (jwtBytes && jwtBytes < MIN_JWT_SECRET_BYTES && !e.KLEPAAS_SANDBOX) {
    problems.push(
      `KLEPAAS_JWT_SECRET: must be at least ${MIN_JWT_SECRET_BYTES} bytes outside sandbox mode (it has ${jwtBytes}): a short HS256 secret can be guessed offline from one token`,
    );
  }
  if (e.KLEPAAS_WEBHOOK_SECRET_KEY && !decodeKey(e.KLEPAAS_WEBHOOK_SECRET_KEY)) {
    problems.push('KLEPAAS_WEBHOOK_SECRET_KEY: must be 32 bytes, written as 64 hex digits or in base64');
  }
  if ((app === 'gateway' || app === 'runner') && !e.KLEPAAS_SANDBOX && !e.KLEPAAS_WEBHOOK_SECRET_KEY) {
    problems.push(
      app === 'gateway'
        ? 'KLEPAAS_WEBHOOK_SECRET_KEY: required by the gateway outside sandbox mode, to keep the per-project webhook secrets and Slack URLs encrypted'
        : "KLEPAAS_WEBHOOK_SECRET_KEY: required by the runner outside sandbox mode, to open the projects' Slack URLs (the gateway's key)",
    );
  }
  // The example files' key is public: a copied file must not start an installation with it.
  if (!e.KLEPAAS_SANDBOX && e.KLEPAAS_WEBHOOK_SECRET_KEY?.toLowerCase() === EXAMPLE_WEBHOOK_SECRET_KEY) {
    problems.push('KLEPAAS_WEBHOOK_SECRET_KEY: is the published example value; make your own (openssl rand -hex 32)');
  }
  for (const origin of (e.KLEPAAS_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)) {
    // A browser sends its Origin exactly so: a path or a trailing slash would never match it.
    if (!isOrigin(origin))
      problems.push(`KLEPAAS_CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], nothing after it)`);
  }
  if (e.KLEPAAS_GITHUB_WEBHOOK_SECRET) {
    warnings.push(
      'KLEPAAS_GITHUB_WEBHOOK_SECRET is ignored: one shared secret would let any tenant forge deliveries for every repository; each project has its own (docs/security.md)',
    );
  }
}

export function securitySettings(e: RawEnv): SecuritySettings {
  const key = e.KLEPAAS_WEBHOOK_SECRET_KEY ?? (e.KLEPAAS_SANDBOX ? SANDBOX_WEBHOOK_SECRET_KEY : undefined);
  return {
    jwtSecret: e.KLEPAAS_JWT_SECRET,
    jwtIssuer: e.KLEPAAS_JWT_ISSUER ?? 'klepaas',
    jwtAudience: e.KLEPAAS_JWT_AUDIENCE ?? 'klepaas',
    registrationPermission: e.KLEPAAS_REGISTRATION_PERMISSION ?? 'admin',
    webhookSecretKey: key ? decodeKey(key) : undefined,
    webhookBytesInFlight: e.KLEPAAS_WEBHOOK_BYTES_IN_FLIGHT ?? DEFAULT_BYTES_IN_FLIGHT,
    webhookBodyTimeoutMs: e.KLEPAAS_WEBHOOK_BODY_TIMEOUT_MS ?? DEFAULT_BODY_TIMEOUT_MS,
    eventStreamsPerUser: e.KLEPAAS_EVENT_STREAMS_PER_USER ?? DEFAULT_STREAMS_PER_USER,
  };
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === text;
  } catch {
    return false;
  }
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) return Buffer.from(text, 'base64');
  return undefined;
}
