import { createHash } from 'node:crypto';
import { createEnvelope, DEPLOY_BRANCH, Events } from '@klepaas/contracts';
import type { RunnerProject } from '../projects/runner-project';
import type { Run } from '../runs/run';

/**
 * MirrorRequested for one attempt of a run. Its id is derived from the run and the attempt, so a
 * request made again is the same event to the mirror; its sequence is the run's place in the
 * project's deploy order, which the mirror writes into the commit to fence off older runs.
 */
export function mirrorRequested(run: Run, project: RunnerProject) {
  return createEnvelope(
    Events.MirrorRequested,
    {
      runId: run.id,
      projectId: run.projectId,
      attempt: run.mirrorAttempt,
      sequence: run.seq!,
      source: {
        owner: project.owner,
        repo: project.repo,
        commitSha: run.commitSha!,
        installationId: project.installationId,
      },
      target: { repository: project.sourceCommitRepository!, branch: DEPLOY_BRANCH },
      image: run.image!,
      replicas: run.replicas ?? 1,
      namespace: project.namespace!,
      containerPort: project.settings.containerPort,
      appName: project.imageName!,
      podSecurity: project.settings.podSecurity ?? 'baseline',
    },
    { correlationId: run.id, id: attemptEventId(run.id, run.mirrorAttempt) },
  );
}

/** A UUID derived from the run and the attempt. */
function attemptEventId(runId: string, attempt: number): string {
  const hex = createHash('sha256').update(`${runId}:mirror:${attempt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
