import { z } from 'zod';

/**
 * The parts of GitHub's payloads the system reads, checked before anything is stored: a signed
 * delivery is still input to distrust (a tenant holds its repository hook's secret). Only the
 * fields we use are checked; GitHub adds fields freely.
 */
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const sha = z.string().regex(SHA, 'must be a commit sha (40 or 64 lower-case hex digits)');
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const text = (max: number) => z.string().max(max);
/** GitHub includes at most 2048 commits in a push (the rest through its API). */
const MAX_COMMITS = 2048;
const MAX_MESSAGE = 64 * 1024;

const paths = z.array(text(4096)).max(10_000).optional();

export const commitSchema = z.object({
  id: sha,
  // Kept whole up to 64 kB; a longer message is cut rather than the push refused.
  message: z.string().transform((m) => m.slice(0, MAX_MESSAGE)),
  timestamp: text(100).nullish(),
  author: z.object({ name: text(500).nullish(), email: text(500).nullish(), username: text(100).nullish() }).nullish(),
  added: paths,
  removed: paths,
  modified: paths,
});

export const repositorySchema = z
  .object({
    id,
    name: z.string().min(1).max(100),
    full_name: text(200).optional(),
    owner: z.object({ login: text(100).nullish(), name: text(100).nullish() }).nullish(),
    default_branch: text(255).nullish(),
    master_branch: text(255).nullish(),
    clone_url: text(2048).nullish(),
  })
  .refine(
    (r) => Boolean(r.owner?.login || r.owner?.name || (r.full_name ?? '').split('/')[0]),
    'needs owner.login, owner.name or full_name',
  );

const installationRef = z.object({ id }).nullish();
const sender = z.object({ login: text(100), id: z.number().int().nonnegative() }).nullish();

export const pushSchema = z.object({
  ref: z.string().min(1).max(1024),
  before: sha.optional(),
  after: sha,
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  head_commit: commitSchema.nullish(),
  commits: z.array(commitSchema).max(MAX_COMMITS).optional(),
  pusher: z.object({ name: text(500).nullish(), email: text(500).nullish() }).nullish(),
  sender,
  repository: repositorySchema,
  installation: installationRef,
});

export const releaseSchema = z.object({
  release: z.object({
    id,
    tag_name: z.string().min(1).max(1024),
    target_commitish: text(1024).nullish(),
    name: text(1024).nullish(),
    prerelease: z.boolean().optional(),
    draft: z.boolean().optional(),
  }),
  sender,
  repository: repositorySchema,
  installation: installationRef,
});

export const mergedPullSchema = z.object({
  pull_request: z.object({
    number: id,
    title: text(1024).nullish(),
    merge_commit_sha: sha.nullish(),
    base: z.object({ ref: z.string().min(1).max(1024) }),
    head: z.object({ ref: z.string().min(1).max(1024), sha }),
    merged_at: text(100).nullish(),
  }),
  repository: repositorySchema,
  installation: installationRef,
});

const listedRepository = z
  .object({ id, full_name: text(200).optional(), name: text(100).optional() })
  .refine((r) => r.full_name !== undefined || r.name !== undefined, 'needs full_name or name');
const repositoryList = z.array(listedRepository).max(10_000).nullish();

export const installationSchema = z.object({
  action: text(100).optional(),
  installation: z.object({
    id,
    account: z.object({ login: text(100), id: z.number().int().nonnegative(), type: text(50).nullish() }).nullish(),
    repository_selection: text(50).nullish(),
    suspended_at: text(100).nullish(),
  }),
  repositories: repositoryList,
  repositories_added: repositoryList,
  repositories_removed: repositoryList,
});

/** The problems of a payload, one line each, starting with the field (`commits.0: ...`). */
export function describeProblems(error: z.ZodError, limit = 5): string {
  return error.issues
    .slice(0, limit)
    .map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`)
    .join('; ');
}
