import type { GhDeployment, GhDeploymentStatus } from './github-deployments.store';
import type { GhAccount, GhInstallation, GhPull, GhRepository } from './github.store';

/** GitHub's JSON shapes for what the stand-in stores (the fields clients read, not every one). */
export function userView(account: GhAccount, base: string) {
  return {
    login: account.login,
    id: account.id,
    node_id: `U_sandbox${account.id}`,
    type: account.type,
    site_admin: false,
    url: `${base}/github/api/users/${account.login}`,
  };
}

export function botView(base: string) {
  return userView({ login: 'klepaas-sandbox[bot]', id: 4242, type: 'User' }, base);
}

export function repoView(repo: GhRepository, base: string) {
  const fullName = `${repo.owner.login}/${repo.name}`;
  return {
    id: repo.id,
    node_id: `R_sandbox${repo.id}`,
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    owner: userView(repo.owner, base),
    html_url: `${base}/github/${fullName}`,
    url: `${base}/github/api/repos/${fullName}`,
    clone_url: `${base}/github/git/${fullName}.git`,
    default_branch: repo.defaultBranch,
    fork: false,
    archived: false,
    disabled: false,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
  };
}

export function installationView(installation: GhInstallation, appId: string, base: string) {
  return {
    id: installation.id,
    account: userView(installation.account, base),
    app_id: Number(appId),
    app_slug: 'klepaas-sandbox',
    target_id: installation.account.id,
    target_type: installation.account.type,
    repository_selection: 'selected',
    access_tokens_url: `${base}/github/api/app/installations/${installation.id}/access_tokens`,
    permissions: {
      contents: 'write',
      metadata: 'read',
      deployments: 'write',
      pull_requests: 'read',
      statuses: 'write',
    },
    events: ['push', 'pull_request', 'release'],
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    suspended_at: null,
  };
}

export function pullView(pull: GhPull, repo: GhRepository, base: string) {
  const url = `${base}/github/api/repos/${repo.owner.login}/${repo.name}/pulls/${pull.number}`;
  return {
    url,
    id: repo.id * 1000 + pull.number,
    number: pull.number,
    state: pull.merged ? 'closed' : 'open',
    title: pull.title,
    merged: pull.merged,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    base: { ref: pull.baseRef, repo: repoView(repo, base) },
    head: { ref: pull.headRef, sha: pull.headSha },
    created_at: pull.createdAt,
  };
}

export function deploymentView(deployment: GhDeployment, repo: GhRepository, base: string) {
  const repositoryUrl = `${base}/github/api/repos/${repo.owner.login}/${repo.name}`;
  const url = `${repositoryUrl}/deployments/${deployment.id}`;
  return {
    url,
    id: deployment.id,
    node_id: `DE_sandbox${deployment.id}`,
    sha: deployment.sha,
    ref: deployment.ref,
    task: deployment.task,
    payload: deployment.payload,
    original_environment: deployment.originalEnvironment,
    environment: deployment.environment,
    description: deployment.description,
    creator: botView(base),
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: repositoryUrl,
    transient_environment: deployment.transient,
    production_environment: deployment.production,
  };
}

export function deploymentStatusView(
  status: GhDeploymentStatus,
  deployment: GhDeployment,
  repo: GhRepository,
  base: string,
) {
  const repositoryUrl = `${base}/github/api/repos/${repo.owner.login}/${repo.name}`;
  const deploymentUrl = `${repositoryUrl}/deployments/${deployment.id}`;
  return {
    url: `${deploymentUrl}/statuses/${status.id}`,
    id: status.id,
    node_id: `DES_sandbox${status.id}`,
    state: status.state,
    creator: botView(base),
    description: status.description,
    environment: status.environment,
    target_url: status.targetUrl,
    log_url: status.logUrl,
    environment_url: status.environmentUrl,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repositoryUrl,
  };
}
