import { z } from 'zod';

/** Shapes shared by several events. */
export const sha = z.string().regex(/^[0-9a-f]{40}$/, 'a 40-character hex commit sha');
export const githubId = z.number().int().nonnegative();
export const uuid = z.uuid();

export const repositoryRef = z.object({
  id: githubId,
  owner: z.string().min(1),
  name: z.string().min(1),
  fullName: z.string().min(1),
  defaultBranch: z.string().nullable().optional(),
  cloneUrl: z.string().nullable().optional(),
});
export type RepositoryRef = z.output<typeof repositoryRef>;

export const gitActor = z.object({
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  username: z.string().nullable().optional(),
});

/**
 * The Kubernetes Pod Security Standards profile a project's manifests are held to (the mirror
 * checks them): `baseline` unless the project asks for `restricted`.
 */
export const podSecurityLevel = z.enum(['baseline', 'restricted']);
export type PodSecurityLevel = z.output<typeof podSecurityLevel>;

export const projectSettings = z.object({
  branch: z.string().min(1),
  autoDeploy: z.boolean(),
  mergeOnly: z.boolean(),
  /** Path filters: tenant input the runner matches, bounded as the gateway bounds it. */
  paths: z.array(z.string().max(200)).max(50),
  replicas: z.number().int().min(0),
  containerPort: z.number().int().min(1).max(65535),
  /** Absent means `baseline` (projects registered before the setting existed). */
  podSecurity: podSecurityLevel.optional(),
});
export type ProjectSettings = z.output<typeof projectSettings>;

/** `reconcile`: the runner found the project away from its desired state with no trigger saying so. */
export const runTriggerType = z.enum(['push', 'release', 'manual', 'rollback', 'scale', 'reconcile']);
export const runTrigger = z.object({
  type: runTriggerType,
  deliveryId: z.string().nullable().optional(),
  commitSha: sha.nullable(),
  ref: z.string().nullable().optional(),
  actor: z.string().nullable().optional(),
  /** Why the runner started this run by itself (reconcile runs). */
  reason: z.string().nullable().optional(),
});
export type RunTrigger = z.output<typeof runTrigger>;

export const errorInfo = z.object({
  message: z.string(),
  code: z.string().nullable().optional(),
  status: z.number().int().nullable().optional(),
  ncpErrorCode: z.union([z.string(), z.number()]).nullable().optional(),
});
export type ErrorInfo = z.output<typeof errorInfo>;

/**
 * A per-project counter stamped by the service that owns a project's facts (the provisioner):
 * a consumer applies an update only when its revision is newer than the one it holds, so the
 * order never depends on two services' clocks.
 */
export const revision = z.number().int().nonnegative();
