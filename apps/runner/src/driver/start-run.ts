import { Inject, Injectable } from '@nestjs/common';
import { createEnvelope, DEPLOY_BRANCH, Events } from '@klepaas/contracts';
import { GITHUB_CLIENT, GithubClient } from '@klepaas/github';
import { replicasFor, RunnerProject } from '../projects/runner-project';
import { ACTIVE, Run } from '../runs/run';
import { RunContext, STEP_TIMEOUTS_MS } from './run-context';

/**
 * A queued run starts when its project has no active run: the commit is resolved (a release or a
 * manual deploy names a ref), the image is named `{registry}/{owner}-{repo}:{sha7}`, and the mirror
 * is asked to put that commit and manifest into SourceCommit.
 */
@Injectable()
export class StartRun {
  constructor(
    private readonly ctx: RunContext,
    @Inject(GITHUB_CLIENT) private readonly github: GithubClient,
  ) {}

  async advance(run: Run): Promise<unknown> {
    const project = await this.ctx.projects.byId(this.ctx.dataSource.manager, run.projectId);
    if (run.cancelRequested)
      return this.end(run, run.reason?.startsWith('superseded') ? 'superseded' : 'cancelled', run.reason);
    if (!project || project.status !== 'ready') {
      return this.end(run, 'failed', `the project is ${project?.status ?? 'gone'}, not ready`);
    }
    let commit: { sha: string; message: string | null } | null = run.commitSha
      ? { sha: run.commitSha, message: run.commitMessage }
      : null;
    if (!commit) {
      const ref = run.ref ?? project.settings.branch;
      commit = await this.github.resolveCommit(project.owner, project.repo, ref, project.installationId);
      if (!commit) return this.end(run, 'failed', `GitHub has no commit for ${ref}`, 'mirror');
    }
    await this.ctx.dataSource.transaction(async (manager) => {
      const active = (await this.ctx.runs.ofProject(manager, run.projectId, ACTIVE)).filter((r) => r.id !== run.id);
      // One active run per project: this one waits, and is woken when that one ends.
      if (active.length) return this.ctx.runs.update(manager, run, { nextPollAt: null });
      const tag = run.tag ?? commit.sha.slice(0, 7);
      const started: Run = {
        ...run,
        commitSha: commit.sha,
        commitMessage: run.commitMessage ?? commit.message,
        tag,
        image: run.image ?? this.ctx.imageRef(project.imageName!, tag),
        replicas: run.replicas ?? replicasFor(project),
        status: 'mirroring',
        mirrorAttempt: 1,
      };
      const now = new Date();
      const deadline = new Date(now.getTime() + STEP_TIMEOUTS_MS.mirror);
      const ok = await this.ctx.runs.update(manager, run, {
        commitSha: started.commitSha,
        commitMessage: started.commitMessage,
        tag,
        image: started.image,
        replicas: started.replicas,
        status: 'mirroring',
        mirrorAttempt: 1,
        startedAt: now,
        stepStartedAt: now,
        stepDeadlineAt: deadline,
        nextPollAt: deadline,
      });
      if (!ok) return;
      await this.ctx.runs.step(manager, run.id, 'mirror', { status: 'running', startedAt: now });
      await this.ctx.outbox.append(manager, [mirrorRequested(started, project)]);
    });
  }

  private end(run: Run, status: 'failed' | 'cancelled' | 'superseded', reason: string | null, failedStep?: 'mirror') {
    return this.ctx.dataSource.transaction((manager) =>
      this.ctx.finisher.finish(manager, run, {
        status,
        reason,
        failedStep: failedStep ?? null,
        stepError: reason ? { message: reason } : undefined,
      }),
    );
  }
}

export function mirrorRequested(run: Run, project: RunnerProject) {
  return createEnvelope(
    Events.MirrorRequested,
    {
      runId: run.id,
      projectId: run.projectId,
      attempt: run.mirrorAttempt,
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
    },
    // Deterministic per attempt: a redone request is the same event to the mirror.
    { correlationId: run.id, id: attemptEventId(run.id, run.mirrorAttempt) },
  );
}

/** A UUID derived from the run and the attempt. */
function attemptEventId(runId: string, attempt: number): string {
  const hex = require('node:crypto').createHash('sha256').update(`${runId}:mirror:${attempt}`).digest('hex') as string;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
