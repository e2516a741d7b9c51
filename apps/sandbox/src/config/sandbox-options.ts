import type { LogLevel } from '@nestjs/common';

/**
 * Everything the sandbox can be told. `startSandbox` fills the gaps with the development
 * defaults below, so a test or a fresh checkout needs no configuration at all.
 */
export interface SandboxOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to listen on. Loopback by default: the sandbox accepts well-known dev credentials. */
  host: string;
  /** Base URL put into clone URLs, registry realms and GitHub links (defaults to http://127.0.0.1:<port>). */
  publicUrl?: string;
  /** The one NCP key pair whose signature v2 the sandbox accepts (also the registry login). */
  ncpAccessKey: string;
  ncpSecretKey: string;
  /** The SourceCommit "Git account" (basic auth on /git/). */
  sourceCommitUsername: string;
  sourceCommitPassword: string;
  /** GitHub App id (the `iss` of App JWTs). */
  githubAppId: string;
  /** PEM private key of that App; the sandbox derives the public key to verify App JWTs. Generated when absent. */
  githubAppPrivateKey?: string;
  /** A token the GitHub stand-ins accept for every repository (tests push with it). */
  githubAdminToken: string;
  /**
   * The development user (`npm start`'s bearer token names it): admin of every repository the
   * sandbox hosts unless a repository's collaborators say otherwise.
   */
  githubDeveloperLogin: string;
  githubDeveloperId: number;
  /** Lifetime of installation tokens (GitHub: one hour). */
  githubTokenTtlMs: number;
  /** Where git repositories live; a fresh temp dir (removed on close) when absent. */
  dataDir?: string;
  /** Default length of a build and of a deploy, in ms (per-project values via PUT /_sandbox/timings). */
  buildMs: number;
  deployMs: number;
  /** The NCR registry name SourceBuild's `cmd.dockerbuild.registry` must name. */
  registryName: string;
  /** The one NKS cluster SourceDeploy stages may target (`config.clusterUuid` or `config.clusterNo`). */
  nksClusterUuid: string;
  nksClusterNo: number;
  nksClusterName: string;
  /** The service-account token the Kubernetes API emulation (`/kube`) accepts as a bearer token. */
  kubeToken: string;
  /** Nest log levels; false silences Nest entirely. */
  logger: false | LogLevel[];
}

export const SANDBOX_DEFAULTS: SandboxOptions = {
  port: 4000,
  host: '127.0.0.1',
  ncpAccessKey: 'sandbox-access-key',
  ncpSecretKey: 'sandbox-secret-key',
  sourceCommitUsername: 'sandbox-git',
  sourceCommitPassword: 'sandbox-git-password',
  githubAppId: '424242',
  githubAdminToken: 'sandbox-github-admin-token',
  githubDeveloperLogin: 'sandbox-developer',
  githubDeveloperId: 100001,
  githubTokenTtlMs: 60 * 60 * 1000,
  buildMs: 1500,
  deployMs: 1500,
  registryName: 'klepaas-sandbox',
  nksClusterUuid: '5a9d1c2e-0b7f-4c1a-9e3d-5a9d1c2e0b7f',
  nksClusterNo: 1001,
  nksClusterName: 'sandbox-nks',
  kubeToken: 'sandbox-kube-token',
  logger: ['error', 'warn'],
};

/** Options after start: the data dir, the App key and the public URL are always known. */
export type ResolvedSandboxOptions = SandboxOptions & {
  dataDir: string;
  githubAppPrivateKey: string;
  publicUrl: string;
};

/** DI token for the resolved options. */
export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

/**
 * Reads the sandbox's environment. Only variables that are set override the defaults, so the
 * same key pair and git account can be handed to the sandbox and to the services by `npm start`.
 */
export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SandboxOptions> {
  const options: Partial<SandboxOptions> = {};
  const text = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
  const int = (name: string) => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
    return Number(raw);
  };
  const port = int('KLEPAAS_SANDBOX_PORT') ?? int('PORT');
  if (port !== undefined) options.port = port;
  const assign = <K extends keyof SandboxOptions>(key: K, value: SandboxOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  assign('host', text('KLEPAAS_SANDBOX_HOST') ?? text('KLEPAAS_BIND_HOST'));
  assign('publicUrl', text('KLEPAAS_SANDBOX_PUBLIC_URL'));
  assign('ncpAccessKey', text('KLEPAAS_NCP_ACCESS_KEY'));
  assign('ncpSecretKey', text('KLEPAAS_NCP_SECRET_KEY'));
  assign('sourceCommitUsername', text('KLEPAAS_NCP_SOURCECOMMIT_USERNAME'));
  assign('sourceCommitPassword', text('KLEPAAS_NCP_SOURCECOMMIT_PASSWORD'));
  assign('githubAppId', text('KLEPAAS_GITHUB_APP_ID'));
  // A PEM in one env line usually arrives with literal "\n" sequences.
  assign('githubAppPrivateKey', text('KLEPAAS_GITHUB_APP_PRIVATE_KEY')?.replace(/\\n/g, '\n'));
  assign('dataDir', text('KLEPAAS_SANDBOX_DATA_DIR'));
  assign('buildMs', int('KLEPAAS_SANDBOX_BUILD_MS'));
  assign('deployMs', int('KLEPAAS_SANDBOX_DEPLOY_MS'));
  assign('registryName', text('KLEPAAS_NCP_CONTAINER_REGISTRY_NAME'));
  // The cluster the services' stages name (KLEPAAS_NCP_NKS_CLUSTER_ID / _NO) is the sandbox's one cluster.
  assign('nksClusterUuid', text('KLEPAAS_NCP_NKS_CLUSTER_ID'));
  assign('nksClusterNo', int('KLEPAAS_NCP_NKS_CLUSTER_NO'));
  assign('kubeToken', text('KLEPAAS_SANDBOX_KUBE_TOKEN'));
  return options;
}
