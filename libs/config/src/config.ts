import { AppName, DEFAULT_PORTS, envSchema, RawEnv, SECRET_VARIABLES } from './env';
import { adminLoginSettings, AdminLoginSettings, checkAdminLogin } from './admin-login-settings';
import { checkSecurity, securitySettings, SecuritySettings } from './security-settings';
import { KubeAccess, readKubeconfig } from './kubeconfig';
import { checkInstallation } from './installation-settings';

export interface KlepaasConfig extends SecuritySettings {
  app: AppName;
  port: number;
  /** The interface every app listens on: loopback in sandbox mode unless KLEPAAS_BIND_HOST says otherwise. */
  bindHost: string;
  ports: Record<AppName, number>;
  /** The gateway's internal listener (/metrics, /api/docs), when set: then the public port does not serve them. */
  gatewayInternalPort?: number;
  databaseUrl: string;
  /** The broker URLs joined by commas, as KLEPAAS_RABBITMQ_URL takes them (messaging accepts both forms). */
  rabbitmqUrl: string;
  /** One URL per broker node, in the order to try; a connection moves to the next one on failure. */
  rabbitmqUrls: string[];
  /** quorum (replicated; the default) or classic (a single-node development broker only). */
  rabbitmqQueueType: 'quorum' | 'classic';
  sandbox: boolean;
  sandboxUrl: string;
  publicUrl: string;
  corsOrigins: string[];
  retryDelaysMs: number[];
  prefetch: number;
  webhookMaxBytes: number;
  logLevel: string;
  github: {
    appId?: string;
    appPrivateKey?: string;
    appWebhookSecret?: string;
    token?: string;
    apiUrl: string;
    gitUrl: string;
    /** GitHub's web pages (the App manifest flow): KLEPAAS_GITHUB_URL, or the sandbox's /github. */
    webUrl: string;
  };
  ncp: {
    accessKey?: string;
    secretKey?: string;
    region: string;
    endpoints: {
      sourceCommit: string;
      sourceBuild: string;
      sourceDeploy: string;
      sourcePipeline: string;
      containerRegistryApi: string;
    };
    sourceBuildEnv: {
      computeId?: string;
      osId?: string;
      runtimeId?: string;
      runtimeVersionId?: string;
      dockerEngineId?: string;
    };
    /** `authHosts`: hosts besides the registry's own that its token realm may name (the keys go there). */
    registry: { url?: string; name?: string; authHosts: string[] };
    sourceCommitGit: { username?: string; password?: string };
    nks: { clusterId?: string; clusterNo?: number };
  };
  slackWebhookUrl?: string;
  /** The cluster the projects run on (KLEPAAS_KUBECONFIG); absent, nothing reads or prepares it (docs/cluster.md). */
  kube?: KubeAccess;
  /**
   * The service account the kubeconfig's token belongs to (KLEPAAS_KUBE_SERVICE_ACCOUNT): each
   * project namespace gets a RoleBinding granting it the per-project role (docs/cluster.md).
   */
  kubeServiceAccount: { namespace: string; name: string };
  /** The pull-only NCR credential put into each project's `ncp-cr` secret (else the NCP key pair, with a warning). */
  ncrPull: { username?: string; password?: string };
  /** The original dashboard's admin login (gateway), when an operator enabled it. */
  adminLogin?: AdminLoginSettings;
  runner: RunnerSettings;
  /** The mirror's bare repositories and scratch directories, and how large they may grow. */
  mirror: { cacheDir?: string; cacheMaxBytes: number };
  /** Projects' Ingress hosts must lie under `<namespace>.<ingressDomain>`; unset, no Ingress host is allowed. */
  ingressDomain?: string;
  /** Secret values present in this configuration, for log scrubbing. */
  secretValues: string[];
  warnings: string[];
}

/** How the runner paces itself (docs/runner.md); tests shorten them to seconds. */
export interface RunnerSettings {
  /** How long each step may take, whatever NCP, GitHub or the registry answer, before the run fails. */
  stepTimeoutsMs: { mirror: number; build: number; deploy: number };
  /** A claimed run or trigger queue is another runner's to take only after this long without renewal. */
  leaseMs: number;
  /** How long a requested build or deploy may take to show in NCP's history before it is asked for again. */
  adoptionGraceMs: number;
  /** How often each auto-deploying project's branch head is compared with its desired commit. */
  reconcileIntervalMs: number;
  /** The reconcile's budget of GitHub calls per minute (per runner process). */
  reconcileCallsPerMinute: number;
  /** How long a run's GitHub or Slack notification is retried before it is given up (docs/notifications.md). */
  notifyGiveUpMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The sandbox's fixed development credentials (README), used in sandbox mode when none are set. */
export const SANDBOX_CREDENTIALS = {
  ncpAccessKey: 'sandbox-access-key',
  ncpSecretKey: 'sandbox-secret-key',
  gitUsername: 'sandbox-git',
  gitPassword: 'sandbox-git-password',
};

/** The sandbox's one NKS cluster (apps/sandbox uses the same default). */
export const SANDBOX_NKS_CLUSTER_UUID = '5a9d1c2e-0b7f-4c1a-9e3d-5a9d1c2e0b7f';

/** GitHub's own maximum webhook payload (25 MB): a real delivery is never refused for size. */
const DEFAULT_WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

/**
 * Reads and checks the environment for one app. Every bad variable is named in one error, so
 * an operator fixes them all at once; secrets are never echoed back.
 */
export function loadConfig(app: AppName, env: NodeJS.ProcessEnv = process.env): KlepaasConfig {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      problems.push(`${name}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const warnings: string[] = [];
  checkSeedLeftovers(env, e, problems, warnings);
  checkRequired(app, e, problems, warnings);
  checkSecurity(app, e, problems, warnings);
  checkAdminLogin(app, e, problems, warnings);
  const kube = checkKubeconfig(e, problems);
  checkInstallation(app, e, problems);
  if (problems.length) throw new ConfigError(problems);
  return build(app, e, warnings, kube);
}

function checkKubeconfig(e: RawEnv, problems: string[]): KubeAccess | undefined {
  if (!e.KLEPAAS_KUBECONFIG) return undefined;
  try {
    return readKubeconfig(e.KLEPAAS_KUBECONFIG);
  } catch (error) {
    problems.push(`KLEPAAS_KUBECONFIG: ${(error as Error).message}`);
    return undefined;
  }
}

function checkSeedLeftovers(env: NodeJS.ProcessEnv, e: RawEnv, problems: string[], warnings: string[]): void {
  if (e.KLEPAAS_DATABASE_URL?.startsWith('sqlite:')) {
    problems.push('KLEPAAS_DATABASE_URL: SQLite was the seed backend; this system needs PostgreSQL (postgres://...)');
  }
  if (env.KLEPAAS_NCP_SOURCECOMMIT_PROJECT_ID) {
    warnings.push(
      'KLEPAAS_NCP_SOURCECOMMIT_PROJECT_ID is ignored: SourceCommit repositories are not scoped by a project id (docs/ncp.md, seed vs reality #1)',
    );
  }
}

function checkRequired(app: AppName, e: RawEnv, problems: string[], warnings: string[]): void {
  const require = (name: keyof RawEnv, why: string) => {
    if (e[name] === undefined) problems.push(`${name}: required ${why}`);
  };
  if (app === 'gateway') {
    require('KLEPAAS_JWT_SECRET', 'by the gateway to check REST bearer tokens');
    if (!e.KLEPAAS_GITHUB_APP_WEBHOOK_SECRET) {
      warnings.push(
        'KLEPAAS_GITHUB_APP_WEBHOOK_SECRET is not set: only repository hooks signed with their project secret are accepted',
      );
    }
  }
  const callsNcp = app === 'provisioner' || app === 'runner';
  if (callsNcp && !e.KLEPAAS_SANDBOX) {
    require('KLEPAAS_NCP_ACCESS_KEY', 'to call NCP (or set KLEPAAS_SANDBOX=true)');
    require('KLEPAAS_NCP_SECRET_KEY', 'to call NCP (or set KLEPAAS_SANDBOX=true)');
  }
  if (app === 'mirror' && !e.KLEPAAS_SANDBOX) {
    require('KLEPAAS_NCP_SOURCECOMMIT_USERNAME', 'to push to SourceCommit (or set KLEPAAS_SANDBOX=true)');
    require('KLEPAAS_NCP_SOURCECOMMIT_PASSWORD', 'to push to SourceCommit (or set KLEPAAS_SANDBOX=true)');
  }
}

function build(app: AppName, e: RawEnv, warnings: string[], kube?: KubeAccess): KlepaasConfig {
  const ports: Record<AppName, number> = {
    gateway: e.KLEPAAS_GATEWAY_PORT ?? DEFAULT_PORTS.gateway,
    provisioner: e.KLEPAAS_PROVISIONER_PORT ?? DEFAULT_PORTS.provisioner,
    mirror: e.KLEPAAS_MIRROR_PORT ?? DEFAULT_PORTS.mirror,
    runner: e.KLEPAAS_RUNNER_PORT ?? DEFAULT_PORTS.runner,
    history: e.KLEPAAS_HISTORY_PORT ?? DEFAULT_PORTS.history,
    sandbox: e.KLEPAAS_SANDBOX_PORT ?? DEFAULT_PORTS.sandbox,
  };
  const ownPortVariable = `KLEPAAS_${app.toUpperCase()}_PORT` as keyof RawEnv;
  // PORT applies only when the app's own variable is absent (one app run alone, e.g. a PaaS).
  const port = (e[ownPortVariable] as number | undefined) ?? e.PORT ?? ports[app];
  const sandbox = e.KLEPAAS_SANDBOX;
  const sandboxUrl = e.KLEPAAS_SANDBOX_URL ?? `http://127.0.0.1:${ports.sandbox}`;
  const ncpDefault = (sandboxPath: string, real: string) => (sandbox ? `${sandboxUrl}${sandboxPath}` : real);

  const rabbitmqUrls = e.KLEPAAS_RABBITMQ_URL ?? ['amqp://guest:guest@127.0.0.1:5672'];
  const config: KlepaasConfig = {
    app,
    port,
    ports,
    gatewayInternalPort: e.KLEPAAS_GATEWAY_INTERNAL_PORT,
    bindHost: e.KLEPAAS_BIND_HOST || (sandbox ? '127.0.0.1' : '0.0.0.0'),
    databaseUrl: e.KLEPAAS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/klepaas',
    rabbitmqUrl: rabbitmqUrls.join(','),
    rabbitmqUrls,
    rabbitmqQueueType: e.KLEPAAS_RABBITMQ_QUEUE_TYPE ?? 'quorum',
    sandbox,
    sandboxUrl,
    publicUrl: e.KLEPAAS_PUBLIC_URL ?? `http://127.0.0.1:${ports.gateway}`,
    corsOrigins: list(e.KLEPAAS_CORS_ORIGINS),
    retryDelaysMs: e.KLEPAAS_RETRY_DELAYS_MS,
    prefetch: e.KLEPAAS_PREFETCH ?? 10,
    webhookMaxBytes: e.KLEPAAS_WEBHOOK_MAX_BYTES ?? DEFAULT_WEBHOOK_MAX_BYTES,
    logLevel: e.KLEPAAS_LOG_LEVEL ?? 'info',
    ...securitySettings(e),
    github: {
      appId: e.KLEPAAS_GITHUB_APP_ID,
      appPrivateKey: e.KLEPAAS_GITHUB_APP_PRIVATE_KEY?.replace(/\\n/g, '\n'),
      appWebhookSecret: e.KLEPAAS_GITHUB_APP_WEBHOOK_SECRET,
      token: e.KLEPAAS_GITHUB_TOKEN,
      apiUrl: e.KLEPAAS_GITHUB_API_URL ?? (sandbox ? `${sandboxUrl}/github/api` : 'https://api.github.com'),
      gitUrl: e.KLEPAAS_GITHUB_URL ?? (sandbox ? `${sandboxUrl}/github/git` : 'https://github.com'),
      webUrl: e.KLEPAAS_GITHUB_URL ?? (sandbox ? `${sandboxUrl}/github` : 'https://github.com'),
    },
    ncp: {
      accessKey: e.KLEPAAS_NCP_ACCESS_KEY ?? (sandbox ? SANDBOX_CREDENTIALS.ncpAccessKey : undefined),
      secretKey: e.KLEPAAS_NCP_SECRET_KEY ?? (sandbox ? SANDBOX_CREDENTIALS.ncpSecretKey : undefined),
      region: e.KLEPAAS_NCP_REGION ?? 'KR',
      endpoints: {
        sourceCommit:
          e.KLEPAAS_NCP_SOURCECOMMIT_ENDPOINT ??
          ncpDefault('/ncp/sourcecommit', 'https://sourcecommit.apigw.ntruss.com'),
        sourceBuild:
          e.KLEPAAS_NCP_SOURCEBUILD_ENDPOINT ?? ncpDefault('/ncp/sourcebuild', 'https://sourcebuild.apigw.ntruss.com'),
        sourceDeploy:
          e.KLEPAAS_NCP_SOURCEDEPLOY_ENDPOINT ??
          ncpDefault('/ncp/sourcedeploy', 'https://vpcsourcedeploy.apigw.ntruss.com'),
        sourcePipeline:
          e.KLEPAAS_NCP_SOURCEPIPELINE_ENDPOINT ??
          ncpDefault('/ncp/sourcepipeline', 'https://vpcsourcepipeline.apigw.ntruss.com'),
        containerRegistryApi:
          e.KLEPAAS_NCP_CONTAINER_REGISTRY_API_ENDPOINT ??
          ncpDefault('/ncp/ncr/api/v2', 'https://ncr.apigw.ntruss.com/ncr/api/v2'),
      },
      sourceBuildEnv: {
        computeId: e.KLEPAAS_NCP_SOURCEBUILD_COMPUTE_ID,
        osId: e.KLEPAAS_NCP_SOURCEBUILD_OS_ID,
        runtimeId: e.KLEPAAS_NCP_SOURCEBUILD_RUNTIME_ID,
        runtimeVersionId: e.KLEPAAS_NCP_SOURCEBUILD_RUNTIME_VERSION_ID,
        dockerEngineId: e.KLEPAAS_NCP_SOURCEBUILD_DOCKER_ENGINE_ID,
      },
      registry: {
        url: e.KLEPAAS_NCP_CONTAINER_REGISTRY_URL ?? (sandbox ? sandboxUrl : undefined),
        name: e.KLEPAAS_NCP_CONTAINER_REGISTRY_NAME ?? registryNameFrom(e.KLEPAAS_NCP_CONTAINER_REGISTRY_URL, sandbox),
        authHosts: list(e.KLEPAAS_NCP_CONTAINER_REGISTRY_AUTH_HOSTS).map((h) => h.toLowerCase()),
      },
      sourceCommitGit: {
        username: e.KLEPAAS_NCP_SOURCECOMMIT_USERNAME ?? (sandbox ? SANDBOX_CREDENTIALS.gitUsername : undefined),
        password: e.KLEPAAS_NCP_SOURCECOMMIT_PASSWORD ?? (sandbox ? SANDBOX_CREDENTIALS.gitPassword : undefined),
      },
      nks: {
        clusterId: e.KLEPAAS_NCP_NKS_CLUSTER_ID ?? (sandbox ? SANDBOX_NKS_CLUSTER_UUID : undefined),
        clusterNo: e.KLEPAAS_NCP_NKS_CLUSTER_NO,
      },
    },
    slackWebhookUrl: e.KLEPAAS_SLACK_WEBHOOK_URL,
    kube,
    kubeServiceAccount: e.KLEPAAS_KUBE_SERVICE_ACCOUNT ?? { namespace: 'klepaas-system', name: 'klepaas' },
    ncrPull: { username: e.KLEPAAS_NCR_PULL_USERNAME, password: e.KLEPAAS_NCR_PULL_PASSWORD },
    mirror: {
      cacheDir: e.KLEPAAS_MIRROR_CACHE_DIR,
      cacheMaxBytes: e.KLEPAAS_MIRROR_CACHE_MAX_BYTES ?? 2 * 2 ** 30,
    },
    adminLogin: adminLoginSettings(e),
    runner: {
      stepTimeoutsMs: {
        mirror: e.KLEPAAS_RUNNER_MIRROR_TIMEOUT_MS ?? 10 * 60_000,
        // NCP's own build timeout is 60 minutes.
        build: e.KLEPAAS_RUNNER_BUILD_TIMEOUT_MS ?? 65 * 60_000,
        deploy: e.KLEPAAS_RUNNER_DEPLOY_TIMEOUT_MS ?? 30 * 60_000,
      },
      leaseMs: e.KLEPAAS_RUNNER_LEASE_MS ?? 60_000,
      adoptionGraceMs: e.KLEPAAS_RUNNER_ADOPTION_GRACE_MS ?? 60_000,
      reconcileIntervalMs: e.KLEPAAS_RECONCILE_INTERVAL_MS ?? 5 * 60_000,
      reconcileCallsPerMinute: e.KLEPAAS_RECONCILE_GITHUB_CALLS_PER_MINUTE ?? 60,
      notifyGiveUpMs: e.KLEPAAS_NOTIFY_GIVE_UP_MS ?? 60 * 60_000,
    },
    ingressDomain: e.KLEPAAS_INGRESS_DOMAIN,
    secretValues: [],
    warnings,
  };
  config.secretValues = collectSecrets(e, config);
  return config;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The registry's NCP name is the first DNS label of its host (docs/configuration.md). */
function registryNameFrom(registryUrl: string | undefined, sandbox: boolean): string | undefined {
  if (!registryUrl) return sandbox ? 'klepaas-sandbox' : undefined;
  const host = registryUrl.replace(/^[a-z]+:\/\//i, '').split(/[/:]/)[0];
  return host.split('.')[0] || undefined;
}

function collectSecrets(e: RawEnv, config: KlepaasConfig): string[] {
  const values = SECRET_VARIABLES.map((name) => e[name]).filter((v): v is string => typeof v === 'string');
  if (config.github.appPrivateKey) values.push(config.github.appPrivateKey);
  // The kubeconfig's token is a secret like the others, whether it came inline or from a file.
  if (config.kube) values.push(config.kube.token);
  for (const u of [config.databaseUrl, ...config.rabbitmqUrls]) {
    const password = safePassword(u);
    if (password) values.push(password);
  }
  // Short values would scrub innocent text; real secrets are longer than this.
  return [...new Set(values)].filter((v) => v.length >= 6);
}

function safePassword(u: string): string | undefined {
  try {
    const p = decodeURIComponent(new URL(u).password);
    return p && p !== 'guest' ? p : undefined;
  } catch {
    return undefined;
  }
}
