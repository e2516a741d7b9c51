import type { z } from 'zod';
import type { EventDefinition } from '@klepaas/contracts';
import { Events, RepositoryRef } from '@klepaas/contracts';
import {
  commitSchema,
  describeProblems,
  installationSchema,
  mergedPullSchema,
  pushSchema,
  releaseSchema,
  repositorySchema,
} from './github-payload.schemas';

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

/** A signed payload that is not what GitHub sends for its event: refused (400) and recorded as rejected. */
export class UnreadablePayloadError extends Error {}

type Json = Record<string, any>;

/**
 * Turns a verified GitHub payload into our event, keeping only what the system uses. Each handled
 * payload is checked against its schema first. `push`, published `release`, merged
 * `pull_request` and installation changes become events; everything else is recorded as ignored.
 */
export function normaliseGithubDelivery(event: string, deliveryId: string, body: Json): Normalised {
  const action = typeof body.action === 'string' ? body.action.slice(0, 100) : null;
  switch (event) {
    case 'push': {
      const p = parse(pushSchema, body);
      return made(Events.PushReceived, push(deliveryId, p), action, p);
    }
    case 'release': {
      if (action !== 'published') return ignored(action, body);
      const p = parse(releaseSchema, body);
      return made(Events.ReleasePublished, release(deliveryId, p), action, p);
    }
    case 'pull_request': {
      if (action !== 'closed' || body.pull_request?.merged !== true) return ignored(action, body);
      const p = parse(mergedPullSchema, body);
      return made(Events.PullRequestMerged, merged(deliveryId, p), action, p);
    }
    case 'installation':
    case 'installation_repositories': {
      const p = parse(installationSchema, body);
      const payload = installation(event, deliveryId, p);
      return {
        kind: 'event',
        definition: Events.InstallationChanged,
        payload,
        action,
        repository: null,
        installationId: p.installation.id,
      };
    }
    default:
      return ignored(action, body);
  }
}

function parse<S extends z.ZodType>(schema: S, body: Json): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new UnreadablePayloadError(describeProblems(result.error));
  return result.data;
}

function made(
  definition: EventDefinition,
  payload: unknown,
  action: string | null,
  p: { repository: z.output<typeof repositorySchema>; installation?: { id: number } | null },
): Normalised {
  return {
    kind: 'event',
    definition,
    payload,
    action,
    repository: repositoryRef(p.repository),
    installationId: p.installation?.id ?? null,
  };
}

/** An event we do not handle: its repository is read only if it is well formed, for visibility. */
function ignored(action: string | null, body: Json): Normalised {
  const repository = repositorySchema.safeParse(body.repository);
  const installation = typeof body.installation?.id === 'number' && Number.isSafeInteger(body.installation.id);
  return {
    kind: 'ignored',
    action,
    repository: repository.success ? repositoryRef(repository.data) : null,
    installationId: installation ? body.installation.id : null,
  };
}

function repositoryRef(r: z.output<typeof repositorySchema>): RepositoryRef {
  const owner = r.owner?.login ?? r.owner?.name ?? (r.full_name ?? '').split('/')[0];
  return {
    id: r.id,
    owner,
    name: r.name,
    fullName: r.full_name ?? `${owner}/${r.name}`,
    defaultBranch: r.default_branch ?? r.master_branch ?? null,
    cloneUrl: r.clone_url ?? null,
  };
}

function push(deliveryId: string, b: z.output<typeof pushSchema>) {
  return {
    deliveryId,
    repository: repositoryRef(b.repository),
    installationId: b.installation?.id ?? null,
    ref: b.ref,
    branch: b.ref.startsWith('refs/heads/') ? b.ref.slice('refs/heads/'.length) : null,
    tag: b.ref.startsWith('refs/tags/') ? b.ref.slice('refs/tags/'.length) : null,
    before: b.before ?? '',
    after: b.after,
    created: b.created === true,
    deleted: b.deleted === true,
    forced: b.forced === true,
    headCommit: b.head_commit ? commit(b.head_commit) : null,
    commits: (b.commits ?? []).map(commit),
    pusher: { name: b.pusher?.name ?? null, email: b.pusher?.email ?? null },
    sender: b.sender ? { login: b.sender.login, id: b.sender.id } : null,
  };
}

function commit(c: z.output<typeof commitSchema>) {
  return {
    id: c.id,
    message: c.message,
    timestamp: c.timestamp ?? null,
    author: c.author
      ? { name: c.author.name ?? null, email: c.author.email ?? null, username: c.author.username ?? null }
      : null,
    added: c.added ?? [],
    removed: c.removed ?? [],
    modified: c.modified ?? [],
  };
}

function release(deliveryId: string, b: z.output<typeof releaseSchema>) {
  const r = b.release;
  return {
    deliveryId,
    repository: repositoryRef(b.repository),
    installationId: b.installation?.id ?? null,
    release: {
      id: r.id,
      tagName: r.tag_name,
      targetCommitish: r.target_commitish ?? '',
      name: r.name ?? null,
      prerelease: r.prerelease === true,
      draft: r.draft === true,
    },
    sender: b.sender ? { login: b.sender.login, id: b.sender.id } : null,
  };
}

function merged(deliveryId: string, b: z.output<typeof mergedPullSchema>) {
  const pr = b.pull_request;
  return {
    deliveryId,
    repository: repositoryRef(b.repository),
    installationId: b.installation?.id ?? null,
    pullRequest: {
      number: pr.number,
      title: pr.title ?? null,
      mergeCommitSha: pr.merge_commit_sha ?? null,
      baseRef: pr.base.ref,
      headRef: pr.head.ref,
      headSha: pr.head.sha,
      mergedAt: pr.merged_at ?? null,
    },
  };
}

function installation(
  event: 'installation' | 'installation_repositories',
  deliveryId: string,
  b: z.output<typeof installationSchema>,
) {
  const i = b.installation;
  const repos = (list: z.output<typeof installationSchema>['repositories']) =>
    (list ?? []).map((r) => ({ id: r.id, fullName: r.full_name ?? r.name! }));
  return {
    deliveryId,
    event,
    action: b.action ?? '',
    installation: {
      id: i.id,
      account: i.account ? { login: i.account.login, id: i.account.id, type: i.account.type ?? null } : null,
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
