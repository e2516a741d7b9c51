import { pushFiles } from '../../apps/sandbox/test/support/git';
import type { RunningSandbox, SandboxRepository } from './sandbox';
import { sendWebhook, SentWebhook } from './webhooks';

export interface Pushed extends SentWebhook {
  sha: string;
}

/**
 * What GitHub does on a push: the commit lands in the repository, then a signed `push` delivery
 * reaches the gateway. Deletions and other branches work the same way.
 */
export async function pushToGithub(
  sandbox: RunningSandbox,
  gatewayUrl: string,
  repo: SandboxRepository,
  files: Record<string, string>,
  options: PushOptions = {},
): Promise<Pushed> {
  const sha = await commitToGithub(sandbox, repo, files, options);
  return notifyPush(gatewayUrl, repo, sha, files, options);
}

export interface PushOptions {
  message?: string;
  branch?: string;
  deliveryId?: string;
  before?: string;
}

/** The commit lands in the sandbox's GitHub repository (no delivery yet). */
export function commitToGithub(
  sandbox: RunningSandbox,
  repo: SandboxRepository,
  files: Record<string, string>,
  options: PushOptions = {},
) {
  const auth = { username: 'x-access-token', password: sandbox.options.githubAdminToken };
  return pushFiles(repo.cloneUrl, auth, options.branch ?? 'main', files, options.message ?? 'change');
}

/** GitHub's signed `push` delivery for a commit already pushed. */
export async function notifyPush(
  gatewayUrl: string,
  repo: SandboxRepository,
  sha: string,
  files: Record<string, string>,
  options: PushOptions = {},
): Promise<Pushed> {
  const branch = options.branch ?? 'main';
  const message = options.message ?? 'change';
  const commit = {
    id: sha,
    tree_id: sha,
    message,
    timestamp: new Date().toISOString(),
    author: { name: 'Dev', email: 'dev@example.com', username: 'dev' },
    added: Object.keys(files),
    removed: [],
    modified: [],
  };
  const sent = await sendWebhook(
    gatewayUrl,
    'push',
    {
      ref: `refs/heads/${branch}`,
      before: options.before ?? '0'.repeat(40),
      after: sha,
      created: false,
      deleted: false,
      forced: false,
      commits: [commit],
      head_commit: commit,
      repository: {
        id: repo.id,
        name: repo.name,
        full_name: repo.fullName,
        owner: { login: repo.owner, name: repo.owner },
        default_branch: 'main',
        clone_url: repo.cloneUrl,
      },
      pusher: { name: 'dev', email: 'dev@example.com' },
      sender: { login: 'dev', id: 1 },
      ...(repo.installationId ? { installation: { id: repo.installationId } } : {}),
    },
    options.deliveryId ? { deliveryId: options.deliveryId } : {},
  );
  return { ...sent, sha };
}
