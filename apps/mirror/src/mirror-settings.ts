import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KlepaasConfig } from '@klepaas/config';
import type { GithubClientOptions } from '@klepaas/github';
import type { SourceCommitClientOptions } from '@klepaas/ncp';
import type { GitCredentials } from '@klepaas/git';

/** What the mirror is told beyond the shared configuration (tests give their own cache). */
export interface MirrorOptions {
  /** Bare repositories per source, and each job's scratch directory (default: $TMPDIR/klepaas-mirror). */
  cacheDir?: string;
}

export interface MirrorSettings {
  cacheDir: string;
  /** The cache is kept under this many bytes, least recently used repositories evicted first. */
  cacheMaxBytes: number;
  githubGitUrl: string;
  github: GithubClientOptions;
  sourceCommitApi: SourceCommitClientOptions;
  sourceCommitGit: GitCredentials;
  /** KLEPAAS_INGRESS_DOMAIN: where projects' Ingress hosts must lie. */
  ingressDomain?: string;
}

/**
 * Everything the mirror needs to work, or one error naming every missing variable: better to
 * refuse to start than to take requests and fail each of them.
 */
export function mirrorSettings(config: KlepaasConfig, options: MirrorOptions = {}): MirrorSettings {
  const { github, ncp } = config;
  const missing: string[] = [];
  if (!ncp.accessKey) missing.push('KLEPAAS_NCP_ACCESS_KEY (to look up the SourceCommit clone URL)');
  if (!ncp.secretKey) missing.push('KLEPAAS_NCP_SECRET_KEY (to look up the SourceCommit clone URL)');
  if (!ncp.sourceCommitGit.username) missing.push('KLEPAAS_NCP_SOURCECOMMIT_USERNAME (to push to SourceCommit)');
  if (!ncp.sourceCommitGit.password) missing.push('KLEPAAS_NCP_SOURCECOMMIT_PASSWORD (to push to SourceCommit)');
  if (!(github.appId && github.appPrivateKey) && !github.token) {
    missing.push(
      'KLEPAAS_GITHUB_APP_ID and KLEPAAS_GITHUB_APP_PRIVATE_KEY, or KLEPAAS_GITHUB_TOKEN (to clone from GitHub)',
    );
  }
  if (missing.length) throw new Error(`the mirror cannot work without:\n  - ${missing.join('\n  - ')}`);
  return {
    cacheDir: options.cacheDir ?? config.mirror.cacheDir ?? join(tmpdir(), 'klepaas-mirror'),
    cacheMaxBytes: config.mirror.cacheMaxBytes,
    githubGitUrl: github.gitUrl.replace(/\/+$/, ''),
    github: { apiUrl: github.apiUrl, appId: github.appId, appPrivateKey: github.appPrivateKey, token: github.token },
    sourceCommitApi: {
      endpoint: ncp.endpoints.sourceCommit,
      accessKey: ncp.accessKey!,
      secretKey: ncp.secretKey!,
      region: ncp.region,
    },
    sourceCommitGit: { username: ncp.sourceCommitGit.username!, password: ncp.sourceCommitGit.password! },
    ingressDomain: config.ingressDomain,
  };
}
