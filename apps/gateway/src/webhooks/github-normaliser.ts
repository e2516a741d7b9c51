import type { EventDefinition } from '@klepaas/contracts';
import { Events, RepositoryRef } from '@klepaas/contracts';

/** What a delivery becomes: an event of the catalogue, or nothing (recorded as ignored). */
export type Normalised =
  | {
      kind: 'event';
      definition: EventDefinition;
      payload: unknown;
      action: string | null;
      repository: RepositoryRef | null;
      installationId: number | null;
    }
  | { kind: 'ignored'; action: string | null; repository: RepositoryRef | null; installationId: number | null };

export class UnreadablePayloadError extends Error {}

type Json = Record<string, any>;

/**
 * Turns a verified GitHub payload into our event, keeping only what the system uses.
 * `push`, published `release`, merged `pull_request` and installation changes become events;
 * everything else is accepted and recorded as ignored.
 */
export function normaliseGithubDelivery(event: string, deliveryId: string, body: Json): Normalised {
  const action = typeof body.action === 'string' ? body.action : null;
  const repository = body.repository ? repositoryRef(body.repository) : null;
  const installationId = typeof body.installation?.id === 'number' ? body.installation.id : null;
  const base = { action, repository, installationId };
  switch (event) {
    case 'push':
      return {
        kind: 'event',
        definition: Events.PushReceived,
        payload: push(deliveryId, body, installationId),
        ...base,
      };
    case 'release':
      if (action !== 'published') return { kind: 'ignored', ...base };
      return {
        kind: 'event',
        definition: Events.ReleasePublished,
        payload: release(deliveryId, body, installationId),
        ...base,
      };
    case 'pull_request':
      if (action !== 'closed' || body.pull_request?.merged !== true) return { kind: 'ignored', ...base };
      return {
        kind: 'event',
        definition: Events.PullRequestMerged,
        payload: merged(deliveryId, body, installationId),
        ...base,
      };
    case 'installation':
    case 'installation_repositories':
      return {
        kind: 'event',
        definition: Events.InstallationChanged,
        payload: installation(event, deliveryId, body),
        ...base,
      };
    default:
      return { kind: 'ignored', ...base };
  }
}

function repositoryRef(r: Json): RepositoryRef {
  need(typeof r.id === 'number' && typeof r.name === 'string', 'repository.id and repository.name');
  const owner = r.owner?.login ?? r.owner?.name ?? String(r.full_name ?? '').split('/')[0];
  return {
    id: r.id,
    owner,
    name: r.name,
    fullName: r.full_name ?? `${owner}/${r.name}`,
    defaultBranch: r.default_branch ?? r.master_branch ?? null,
    cloneUrl: r.clone_url ?? null,
  };
}

function push(deliveryId: string, b: Json, installationId: number | null) {
  need(typeof b.ref === 'string' && typeof b.after === 'string', 'ref and after');
  need(b.repository, 'repository');
  const ref: string = b.ref;
  return {
    deliveryId,
    repository: repositoryRef(b.repository),
    installationId,
    ref,
    branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null,
    tag: ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : null,
    before: b.before ?? '',
    after: b.after,
    created: b.created === true,
    deleted: b.deleted === true,
    forced: b.forced === true,
    headCommit: b.head_commit ? commit(b.head_commit) : null,
    commits: Array.isArray(b.commits) ? b.commits.map(commit) : [],
    pusher: { name: b.pusher?.name ?? null, email: b.pusher?.email ?? null },
    sender: sender(b),
  };
}

function commit(c: Json) {
  return {
    id: String(c.id),
    message: String(c.message ?? ''),
    timestamp: c.timestamp ?? null,
    author: c.author
      ? { name: c.author.name ?? null, email: c.author.email ?? null, username: c.author.username ?? null }
      : null,
    added: strings(c.added),
    removed: strings(c.removed),
    modified: strings(c.modified),
  };
}

function release(deliveryId: string, b: Json, installationId: number | null) {
  const r = b.release ?? {};
  need(typeof r.id === 'number' && typeof r.tag_name === 'string', 'release.id and release.tag_name');
  need(b.repository, 'repository');
  return {
    deliveryId,
    repository: repositoryRef(b.repository),
    installationId,
    release: {
      id: r.id,
      tagName: r.tag_name,
      targetCommitish: String(r.target_commitish ?? ''),
      name: r.name ?? null,
      prerelease: r.prerelease === true,
      draft: r.draft === true,
    },
    sender: sender(b),
  };
}

function merged(deliveryId: string, b: Json, installationId: number | null) {
  const pr = b.pull_request;
  need(typeof pr?.number === 'number', 'pull_request.number');
  need(b.repository, 'repository');
  return {
    deliveryId,
    repository: repositoryRef(b.repository),
    installationId,
    pullRequest: {
      number: pr.number,
      title: pr.title ?? null,
      mergeCommitSha: pr.merge_commit_sha ?? null,
      baseRef: String(pr.base?.ref ?? ''),
      headRef: String(pr.head?.ref ?? ''),
      headSha: String(pr.head?.sha ?? ''),
      mergedAt: pr.merged_at ?? null,
    },
  };
}

function installation(event: 'installation' | 'installation_repositories', deliveryId: string, b: Json) {
  const i = b.installation;
  need(typeof i?.id === 'number', 'installation.id');
  const repos = (list: unknown) =>
    (Array.isArray(list) ? list : []).map((r: Json) => ({ id: Number(r.id), fullName: String(r.full_name ?? r.name) }));
  return {
    deliveryId,
    event,
    action: String(b.action ?? ''),
    installation: {
      id: i.id,
      account: i.account
        ? { login: String(i.account.login), id: Number(i.account.id), type: i.account.type ?? null }
        : null,
      repositorySelection: i.repository_selection ?? null,
      suspended: Boolean(i.suspended_at),
    },
    // An installation created covers its listed repositories; one deleted no longer covers them.
    repositoriesAdded:
      event === 'installation' ? (b.action === 'created' ? repos(b.repositories) : []) : repos(b.repositories_added),
    repositoriesRemoved:
      event === 'installation' ? (b.action === 'deleted' ? repos(b.repositories) : []) : repos(b.repositories_removed),
  };
}

function sender(b: Json) {
  return b.sender && typeof b.sender.login === 'string' ? { login: b.sender.login, id: Number(b.sender.id) } : null;
}

function strings(list: unknown): string[] {
  return Array.isArray(list) ? list.map(String) : [];
}

function need(condition: unknown, what: string): asserts condition {
  if (!condition) throw new UnreadablePayloadError(`payload lacks ${what}`);
}
