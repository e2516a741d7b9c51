import { Logger } from '@nestjs/common';
import type { MirrorRequestedPayload } from '@klepaas/contracts';
import { GithubCredentials } from '../credentials/github-credentials';
import { SourceCommitRemotes } from '../credentials/sourcecommit-remotes';
import { basicAuth, GitAuth, GitCli } from '@klepaas/git';
import { CacheBudget } from '../git/cache-budget';
import { DeployBranchFence } from '../git/deploy-branch-fence';
import { JobWorkspace } from '../git/job-workspace';
import { MirrorCache } from '../git/mirror-cache';
import {
  DEFAULT_MANIFEST_LIMITS,
  MANIFEST_PATH,
  ManifestLimits,
  PlatformPolicy,
  prepareManifest,
  tagOf,
} from '../manifest';
import { Refusal } from '../refusal';
import { commitMessage } from './commit-message';
import { checkRequest } from './request-checks';

/** What a finished job reports (MirrorCompleted without the run's ids). */
export interface MirrorResult {
  sourceCommit: string;
  mirroredCommit: string;
  oldTag: string | null;
  newTag: string;
  oldReplicas: number | null;
  newReplicas: number;
  manifestCreated: boolean;
}

export interface MirrorJobDependencies {
  git: GitCli;
  cache: MirrorCache;
  /** Where each job's scratch directory is made (and removed). */
  jobsRoot: string;
  /** Base of GitHub git URLs (KLEPAAS_GITHUB_URL): `<base>/<owner>/<repo>.git`. */
  githubGitUrl: string;
  github: GithubCredentials;
  sourceCommit: SourceCommitRemotes;
  limits?: ManifestLimits;
  /** Keeps the cache within its size after each job (none: the cache grows). */
  budget?: CacheBudget;
  /** The platform's side of the manifest policy (the ingress domain). */
  platform?: PlatformPolicy;
}

/**
 * One mirror job: the pushed commit from GitHub (through the cache), the manifest updated on
 * top of it as one deterministic commit, pushed over the SourceCommit branch unless a later run
 * got there first (the fence). Throws a Refusal for what retrying cannot mend, anything else for
 * what it might.
 */
export class MirrorJob {
  private readonly log = new Logger(MirrorJob.name);
  private readonly limits: ManifestLimits;

  private readonly fence: DeployBranchFence;

  constructor(private readonly deps: MirrorJobDependencies) {
    this.limits = deps.limits ?? DEFAULT_MANIFEST_LIMITS;
    this.fence = new DeployBranchFence(deps.git, deps.cache);
  }

  async run(request: MirrorRequestedPayload): Promise<MirrorResult> {
    checkRequest(request);
    const { source, target } = request;
    const sourceUrl = `${this.deps.githubGitUrl}/${source.owner}/${source.repo}.git`;
    const [credentials, remote] = await Promise.all([
      this.deps.github.forInstallation(source.installationId),
      this.deps.sourceCommit.remoteFor(target.repository),
    ]);
    const gitDir = await this.deps.cache.withCommit(sourceUrl, source.commitSha, basicAuth(sourceUrl, credentials));
    const workspace = await JobWorkspace.create(this.deps.git, this.deps.jobsRoot, gitDir);
    try {
      await workspace.verifyCommit(source.commitSha);
      const existing = await this.readManifest(workspace, source.commitSha);
      const manifest = prepareManifest(existing?.text ?? null, request, this.limits, this.deps.platform);
      const blob = await workspace.writeBlob(manifest.text);
      const tree = await workspace.treeWith(source.commitSha, MANIFEST_PATH, blob, existing?.mode ?? '100644');
      const identity = await workspace.identityOf(source.commitSha);
      const commit = await workspace.commit(tree, source.commitSha, commitMessage(request), identity);
      try {
        await this.pushThroughFence(workspace, gitDir, remote, commit, request);
      } catch (error) {
        if (error instanceof Refusal && error.code === 'target_not_found')
          this.deps.sourceCommit.forget(target.repository);
        throw error;
      }
      await this.deps.cache.rememberPushed(gitDir, target.repository, target.branch, commit);
      this.log.log(
        `mirrored ${source.owner}/${source.repo}@${source.commitSha.slice(0, 7)} to ${target.repository}:${target.branch} as ${commit.slice(0, 7)}`,
      );
      return {
        sourceCommit: source.commitSha,
        mirroredCommit: commit,
        oldTag: manifest.oldTag,
        newTag: tagOf(request.image) ?? request.image,
        oldReplicas: manifest.oldReplicas,
        newReplicas: request.replicas,
        manifestCreated: manifest.created,
      };
    } finally {
      await workspace.dispose();
      this.deps.budget?.maybeSweep();
    }
  }

  /**
   * Pushes unless a later run's commit is on the branch (or this one already is). A push refused
   * because the branch moved since the look is judged again: a later run's commit there is a
   * refusal (`superseded`), anything else goes back to the consumer to be tried again.
   */
  private async pushThroughFence(
    workspace: JobWorkspace,
    gitDir: string,
    remote: { url: string; auth: GitAuth },
    commit: string,
    request: MirrorRequestedPayload,
  ): Promise<void> {
    const { repository, branch } = request.target;
    const observed = await this.fence.observe(gitDir, remote.url, repository, branch, remote.auth);
    this.fence.check(observed, request.sequence, branch);
    // The same commit already there: an attempt whose answer was lost pushed it.
    if (observed.head === commit) return;
    try {
      await workspace.push(remote.url, commit, branch, observed.head, remote.auth);
    } catch (error) {
      if (error instanceof Refusal && error.code !== 'push_rejected') throw error;
      const now = await this.fence.observe(gitDir, remote.url, repository, branch, remote.auth);
      this.fence.check(now, request.sequence, branch);
      if (now.head === commit) return;
      throw error;
    }
  }

  /** The manifest at the commit with its file mode, null when there is none. */
  private async readManifest(workspace: JobWorkspace, commit: string): Promise<{ text: string; mode: string } | null> {
    const entry = await workspace.entry(commit, MANIFEST_PATH);
    if (!entry) {
      const parent = await workspace.entry(commit, 'k8s');
      if (parent && parent.type !== 'tree') {
        throw new Refusal('manifest_unsupported', `k8s is a file, so ${MANIFEST_PATH} cannot be written`);
      }
      return null;
    }
    // A symlink's target would be read by us but not by SourceDeploy; a directory is no manifest.
    if (entry.type !== 'blob' || entry.mode === '120000') {
      throw new Refusal('manifest_unsupported', `${MANIFEST_PATH} is not a regular file`);
    }
    const size = await workspace.blobSize(entry.oid);
    if (size > this.limits.maxBytes) {
      throw new Refusal(
        'manifest_too_large',
        `${MANIFEST_PATH} is ${Math.ceil(size / 1024)} KB; manifests over ${this.limits.maxBytes / 1024} KB are refused`,
      );
    }
    return { text: await workspace.readBlob(entry.oid), mode: entry.mode };
  }
}
