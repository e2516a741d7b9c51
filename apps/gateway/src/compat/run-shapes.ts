import type { ProjectView, RunStatus, RunStepName, RunStepStatus, RunStepView, RunView } from '@klepaas/read-model';

/** The dashboard's four statuses of a pipeline (a run) and the three of a stage (a step), or null. */
export type DashboardStatus = 'pending' | 'running' | 'success' | 'failed';
export type StageStatus = 'success' | 'failed' | 'running' | null;
export type StageName = 'sourcecommit' | 'sourcebuild' | 'sourcedeploy';

/** Our mirror pushes into SourceCommit, our build is SourceBuild, our deploy SourceDeploy. */
export const STAGE_OF: Record<RunStepName, StageName> = {
  mirror: 'sourcecommit',
  build: 'sourcebuild',
  deploy: 'sourcedeploy',
};

/**
 * A run's status as the dashboard knows them (docs/compat.md, "Statuses"). A cancelled or
 * superseded run deployed nothing, so it is `failed`, with `error.message` saying which.
 */
export const RUN_STATUS: Record<RunStatus, DashboardStatus> = {
  queued: 'pending',
  mirroring: 'running',
  building: 'running',
  deploying: 'running',
  succeeded: 'success',
  failed: 'failed',
  cancelled: 'failed',
  superseded: 'failed',
};

const STEP_STATUS: Record<RunStepStatus, StageStatus> = {
  pending: null,
  running: 'running',
  succeeded: 'success',
  failed: 'failed',
  cancelled: 'failed',
  skipped: null,
};

const STEP_ORDER: RunStepName[] = ['mirror', 'build', 'deploy'];

export interface Stage {
  status: StageStatus;
  /** Whole seconds, once the stage has ended. */
  duration: number | null;
  started_at: string | null;
  completed_at: string | null;
  progress: null;
  skipped: boolean;
}

/**
 * A step skipped because its work was already done (the image was in the registry: a rollback,
 * a scale, a retry after the build) counts as a success once a later step ran; a step skipped
 * because the run ended before it never ran (null).
 */
export function stageOf(step: RunStepView | undefined, later: RunStepView[]): Stage {
  const status = step?.status ?? 'pending';
  const reachedLater = later.some((s) => s.status !== 'pending' && s.status !== 'skipped');
  return {
    status: status === 'skipped' && reachedLater ? 'success' : STEP_STATUS[status],
    duration: seconds(step?.startedAt, step?.finishedAt),
    started_at: step?.startedAt ?? null,
    completed_at: step?.finishedAt ?? null,
    progress: null,
    skipped: status === 'skipped',
  };
}

export function stagesOf(run: RunView): Record<StageName, Stage> {
  const byName = new Map(run.steps.map((s) => [s.name, s]));
  const stages = {} as Record<StageName, Stage>;
  STEP_ORDER.forEach((name, i) => {
    const later = STEP_ORDER.slice(i + 1)
      .map((n) => byName.get(n))
      .filter((s): s is RunStepView => Boolean(s));
    stages[STAGE_OF[name]] = stageOf(byName.get(name), later);
  });
  return stages;
}

export interface CommitShape {
  sha: string;
  short_sha: string;
  message: string;
  author: string;
  url: string;
}

/**
 * Always an object of strings (the dashboard slices `sha` and prints the rest): empty while a
 * manual deploy of a ref has not learned its commit. `author` is who triggered the run (the
 * pusher, or the user who asked): we do not keep the commit's own author.
 */
export function commitShape(
  project: Pick<ProjectView, 'owner' | 'repo'>,
  sha: string | null,
  message: string | undefined,
  actor: string | undefined,
  gitWebUrl: string,
): CommitShape {
  return {
    sha: sha ?? '',
    short_sha: sha ? sha.slice(0, 7) : '',
    message: message ?? '',
    author: actor ?? '',
    url: sha ? `${gitWebUrl}/${project.owner}/${project.repo}/commit/${sha}` : '',
  };
}

/** An image reference `host/name:tag` in the dashboard's three parts (never null: it prints them). */
export function imageShape(image: string | undefined): { name: string; tag: string; url: string } {
  if (!image) return { name: '', tag: '', url: '' };
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0
    ? { name: last, tag: '', url: image }
    : { name: last.slice(0, colon), tag: last.slice(colon + 1), url: image };
}

/** One pipeline (a run) as the dashboard's pipelines tab and deployment histories read it. */
export function pipelineShape(run: RunView, alias: number, project: ProjectView, gitWebUrl: string) {
  const ended = ['failed', 'cancelled', 'superseded'].includes(run.status);
  const stepTimes = run.steps.flatMap((s) => [s.startedAt, s.finishedAt]).filter((t): t is string => Boolean(t));
  return {
    id: alias,
    run_id: run.id,
    project_id: project.id,
    repository: `${project.owner}/${project.repo}`,
    branch: run.trigger.ref ?? project.branch,
    status: RUN_STATUS[run.status],
    klepaas_status: run.status,
    trigger: { type: run.trigger.type, reason: run.trigger.reason ?? null, actor: run.trigger.actor ?? null },
    commit: commitShape(project, run.trigger.commitSha, run.commitMessage, run.trigger.actor, gitWebUrl),
    stages: stagesOf(run),
    image: imageShape(run.image),
    replicas: run.replicas ?? null,
    timing: {
      started_at: run.createdAt,
      completed_at: run.finishedAt ?? null,
      total_duration: seconds(run.createdAt, run.finishedAt),
    },
    error: ended
      ? { message: run.reason ?? `the run was ${run.status}`, stage: run.failedStep ? STAGE_OF[run.failedStep] : null }
      : null,
    is_rollback: run.trigger.type === 'rollback',
    auto_deploy_enabled: project.autoDeploy,
    created_at: run.createdAt,
    updated_at: run.finishedAt ?? [run.createdAt, ...stepTimes].sort().pop()!,
  };
}

export type PipelineShape = ReturnType<typeof pipelineShape>;

/** Whole seconds between two ISO times, or null until both are known. */
export function seconds(from: string | undefined | null, to: string | undefined | null): number | null {
  if (!from || !to) return null;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}
