import { z } from 'zod';

/**
 * Every KLEPAAS_* variable of docs/configuration.md, parsed and checked in one place. The names are
 * the seed's, kept so an existing deployment's settings carry over.
 */
export const APP_NAMES = ['gateway', 'provisioner', 'mirror', 'runner', 'history', 'sandbox'] as const;
export type AppName = (typeof APP_NAMES)[number];

export const DEFAULT_PORTS: Record<AppName, number> = {
  gateway: 3000,
  provisioner: 3001,
  mirror: 3002,
  runner: 3003,
  history: 3004,
  sandbox: 4000,
};

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (/^(true|1|yes)$/i.test(v)) return true;
      if (/^(false|0|no)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v}"` });
      return z.NEVER;
    });

const port = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      ctx.addIssue({ code: 'custom', message: `must be a port number (0-65535), got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

/** `namespace:name` of a Kubernetes service account (both DNS-1123 names). */
const serviceAccount = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(v.trim());
    if (!match || match[1].length > 63 || match[3].length > 253) {
      ctx.addIssue({ code: 'custom', message: `must be namespace:name of a service account, got "${v}"` });
      return z.NEVER;
    }
    return { namespace: match[1], name: match[3] };
  });

const url = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      try {
        const parsed = new URL(v);
        if (!protocols.includes(parsed.protocol)) throw new Error();
        return v.replace(/\/+$/, '');
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a ${protocols.join(' or ')} URL` });
        return z.NEVER;
      }
    });

/** One URL, or a comma-separated list of them (one per node of a cluster), in the order to try. */
const urlList = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const urls = v.split(',').map((u) => u.trim());
      const bad = urls.filter((u) => {
        try {
          return !protocols.includes(new URL(u).protocol);
        } catch {
          return true;
        }
      });
      if (bad.length || urls.some((u) => u === '')) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a ${protocols.join(' or ')} URL, or a comma-separated list of them`,
        });
        return z.NEVER;
      }
      return urls.map((u) => u.replace(/\/+$/, ''));
    });

const positiveInt = (label: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be a positive integer (${label}), got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const delays = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return [1000, 5000, 30000];
    const parts = v.split(',').map((p) => Number(p.trim()));
    if (parts.some((n) => !Number.isInteger(n) || n < 0 || n > 86_400_000)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be comma-separated milliseconds, e.g. 1000,5000,30000; got "${v}"`,
      });
      return z.NEVER;
    }
    return parts;
  });

export const envSchema = z.object({
  KLEPAAS_DATABASE_URL: url(['postgres:', 'postgresql:', 'sqlite:']),
  KLEPAAS_RABBITMQ_URL: urlList(['amqp:', 'amqps:']),
  KLEPAAS_RABBITMQ_QUEUE_TYPE: z.enum(['quorum', 'classic']).optional(),
  KLEPAAS_SANDBOX: bool(false),
  KLEPAAS_SANDBOX_URL: url(['http:', 'https:']),
  KLEPAAS_JWT_SECRET: optionalText,
  KLEPAAS_JWT_ISSUER: optionalText,
  KLEPAAS_JWT_AUDIENCE: optionalText,
  KLEPAAS_REGISTRATION_PERMISSION: z.enum(['admin', 'write']).optional(),
  KLEPAAS_WEBHOOK_SECRET_KEY: optionalText,
  KLEPAAS_GITHUB_APP_ID: optionalText,
  KLEPAAS_GITHUB_APP_PRIVATE_KEY: optionalText,
  KLEPAAS_GITHUB_APP_WEBHOOK_SECRET: optionalText,
  KLEPAAS_GITHUB_WEBHOOK_SECRET: optionalText,
  KLEPAAS_GITHUB_TOKEN: optionalText,
  KLEPAAS_GITHUB_API_URL: url(['http:', 'https:']),
  KLEPAAS_GITHUB_URL: url(['http:', 'https:']),
  KLEPAAS_NCP_ACCESS_KEY: optionalText,
  KLEPAAS_NCP_SECRET_KEY: optionalText,
  KLEPAAS_NCP_REGION: optionalText,
  KLEPAAS_GATEWAY_PORT: port,
  KLEPAAS_PROVISIONER_PORT: port,
  KLEPAAS_MIRROR_PORT: port,
  KLEPAAS_RUNNER_PORT: port,
  KLEPAAS_HISTORY_PORT: port,
  KLEPAAS_SANDBOX_PORT: port,
  KLEPAAS_GATEWAY_INTERNAL_PORT: port,
  PORT: port,
  KLEPAAS_PUBLIC_URL: url(['http:', 'https:']),
  KLEPAAS_CORS_ORIGINS: optionalText,
  KLEPAAS_RETRY_DELAYS_MS: delays,
  KLEPAAS_PREFETCH: positiveInt('messages in flight per consumer'),
  KLEPAAS_WEBHOOK_MAX_BYTES: positiveInt('bytes'),
  KLEPAAS_WEBHOOK_BYTES_IN_FLIGHT: positiveInt('bytes'),
  KLEPAAS_WEBHOOK_BODY_TIMEOUT_MS: positiveInt('milliseconds'),
  KLEPAAS_EVENT_STREAMS_PER_USER: positiveInt('open streams per user'),
  KLEPAAS_ADMIN_LOGIN_USERNAME: optionalText,
  KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH: optionalText,
  KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN: optionalText,
  KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID: positiveInt('GitHub user id'),
  KLEPAAS_BIND_HOST: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^[A-Za-z0-9.:-]{1,253}$/.test(v), 'must be an address or host name'),
  KLEPAAS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  KLEPAAS_NCP_SOURCECOMMIT_ENDPOINT: url(['http:', 'https:']),
  KLEPAAS_NCP_SOURCEBUILD_ENDPOINT: url(['http:', 'https:']),
  KLEPAAS_NCP_SOURCEDEPLOY_ENDPOINT: url(['http:', 'https:']),
  KLEPAAS_NCP_SOURCEPIPELINE_ENDPOINT: url(['http:', 'https:']),
  KLEPAAS_NCP_CONTAINER_REGISTRY_API_ENDPOINT: url(['http:', 'https:']),
  KLEPAAS_NCP_SOURCEBUILD_COMPUTE_ID: optionalText,
  KLEPAAS_NCP_SOURCEBUILD_OS_ID: optionalText,
  KLEPAAS_NCP_SOURCEBUILD_RUNTIME_ID: optionalText,
  KLEPAAS_NCP_SOURCEBUILD_RUNTIME_VERSION_ID: optionalText,
  KLEPAAS_NCP_SOURCEBUILD_DOCKER_ENGINE_ID: optionalText,
  KLEPAAS_NCP_CONTAINER_REGISTRY_URL: optionalText,
  KLEPAAS_NCP_CONTAINER_REGISTRY_NAME: optionalText,
  KLEPAAS_NCP_CONTAINER_REGISTRY_AUTH_HOSTS: optionalText,
  KLEPAAS_NCP_SOURCECOMMIT_USERNAME: optionalText,
  KLEPAAS_NCP_SOURCECOMMIT_PASSWORD: optionalText,
  KLEPAAS_NCP_NKS_CLUSTER_ID: optionalText,
  KLEPAAS_NCP_NKS_CLUSTER_NO: positiveInt('NKS cluster number'),
  KLEPAAS_SLACK_WEBHOOK_URL: url(['http:', 'https:']),
  KLEPAAS_KUBECONFIG: optionalText,
  KLEPAAS_KUBE_SERVICE_ACCOUNT: serviceAccount,
  KLEPAAS_NCR_PULL_USERNAME: optionalText,
  KLEPAAS_NCR_PULL_PASSWORD: optionalText,
  KLEPAAS_MIRROR_CACHE_DIR: optionalText,
  KLEPAAS_MIRROR_CACHE_MAX_BYTES: positiveInt('bytes'),
  KLEPAAS_RUNNER_MIRROR_TIMEOUT_MS: positiveInt('milliseconds'),
  KLEPAAS_RUNNER_BUILD_TIMEOUT_MS: positiveInt('milliseconds'),
  KLEPAAS_RUNNER_DEPLOY_TIMEOUT_MS: positiveInt('milliseconds'),
  KLEPAAS_RUNNER_LEASE_MS: positiveInt('milliseconds'),
  KLEPAAS_RUNNER_ADOPTION_GRACE_MS: positiveInt('milliseconds'),
  KLEPAAS_RECONCILE_INTERVAL_MS: positiveInt('milliseconds'),
  KLEPAAS_RECONCILE_GITHUB_CALLS_PER_MINUTE: positiveInt('calls per minute'),
  KLEPAAS_NOTIFY_GIVE_UP_MS: positiveInt('milliseconds'),
  KLEPAAS_INGRESS_DOMAIN: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim().toLowerCase()))
    .refine(
      (v) => v === undefined || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(v),
      'must be a DNS domain such as apps.example.com',
    ),
});

export type RawEnv = z.output<typeof envSchema>;

/** Variables whose values are secrets: never printed, scrubbed from every log line. */
export const SECRET_VARIABLES = [
  'KLEPAAS_JWT_SECRET',
  'KLEPAAS_WEBHOOK_SECRET_KEY',
  'KLEPAAS_GITHUB_APP_PRIVATE_KEY',
  'KLEPAAS_GITHUB_APP_WEBHOOK_SECRET',
  'KLEPAAS_GITHUB_WEBHOOK_SECRET',
  'KLEPAAS_GITHUB_TOKEN',
  'KLEPAAS_NCP_SECRET_KEY',
  'KLEPAAS_NCP_SOURCECOMMIT_PASSWORD',
  'KLEPAAS_SLACK_WEBHOOK_URL',
  'KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH',
  'KLEPAAS_NCR_PULL_PASSWORD',
] as const;
