import type { SandboxRepository } from './sandbox';
import { TEST_SECRETS } from './services';
import { sendWebhook, SentWebhook } from './webhooks';
import { git } from '../../apps/sandbox/test/support/git';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSandbox } from './sandbox';

/** The `repository` object GitHub puts in every delivery. */
function repository(repo: SandboxRepository) {
  return {
    id: repo.id,
    name: repo.name,
    full_name: repo.fullName,
    owner: { login: repo.owner, name: repo.owner },
    default_branch: 'main',
    clone_url: repo.cloneUrl,
  };
}

const installation = (repo: SandboxRepository) =>
  repo.installationId ? { installation: { id: repo.installationId } } : {};

/** A tag on a commit already in the sandbox's GitHub repository (as `git push origin <tag>` does). */
export async function tagOnGithub(sandbox: RunningSandbox, repo: SandboxRepository, tag: string, sha: string) {
  const auth = { username: 'x-access-token', password: sandbox.options.githubAdminToken };
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-test-tag-'));
  try {
    await git(['init', '--quiet', '--bare', dir]);
    await git(['fetch', '--quiet', repo.cloneUrl, sha], { cwd: dir, auth });
    await git(['push', '--quiet', repo.cloneUrl, `${sha}:refs/tags/${tag}`], { cwd: dir, auth });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GitHub's `release` delivery (action `published`). */
export function notifyRelease(
  gatewayUrl: string,
  repo: SandboxRepository,
  tag: string,
  options: { prerelease?: boolean; draft?: boolean } = {},
): Promise<SentWebhook> {
  return sendWebhook(gatewayUrl, 'release', {
    action: 'published',
    release: {
      id: Math.floor(Math.random() * 1e9),
      tag_name: tag,
      target_commitish: 'main',
      name: tag,
      prerelease: options.prerelease ?? false,
      draft: options.draft ?? false,
    },
    repository: repository(repo),
    sender: { login: 'dev', id: 1 },
    ...installation(repo),
  });
}

/** GitHub's `pull_request` delivery for a pull request merged into `baseRef` as `mergeCommitSha`. */
export function notifyPullRequestMerged(
  gatewayUrl: string,
  repo: SandboxRepository,
  pull: { number: number; mergeCommitSha: string; baseRef: string },
): Promise<SentWebhook> {
  return sendWebhook(gatewayUrl, 'pull_request', {
    action: 'closed',
    number: pull.number,
    pull_request: {
      number: pull.number,
      title: `PR ${pull.number}`,
      merged: true,
      merged_at: new Date().toISOString(),
      merge_commit_sha: pull.mergeCommitSha,
      base: { ref: pull.baseRef },
      head: { ref: `feature-${pull.number}`, sha: pull.mergeCommitSha },
    },
    repository: repository(repo),
    sender: { login: 'dev', id: 1 },
    ...installation(repo),
  });
}

/**
 * GitHub's `installation_repositories` delivery (signed with the App's secret: it names no
 * repository hook): the App's installation lost or gained the repository.
 */
export function notifyInstallationRepositories(
  gatewayUrl: string,
  repo: SandboxRepository,
  installationId: number,
  action: 'added' | 'removed',
): Promise<SentWebhook> {
  const listed = [{ id: repo.id, name: repo.name, full_name: repo.fullName }];
  return sendWebhook(
    gatewayUrl,
    'installation_repositories',
    {
      action,
      installation: { id: installationId, account: { login: repo.owner, id: 1, type: 'User' } },
      repository_selection: 'selected',
      repositories_added: action === 'added' ? listed : [],
      repositories_removed: action === 'removed' ? listed : [],
      sender: { login: repo.owner, id: 1 },
    },
    { secret: TEST_SECRETS.appWebhook },
  );
}
