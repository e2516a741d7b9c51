import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEnvelope, EventEnvelope, Events, ProjectUnregistrationRequestedPayload } from '@klepaas/contracts';
import { NCP_CLIENTS, NcpApiError, NcpClients } from '@klepaas/ncp';
import { OutboxStore } from '@klepaas/persistence';
import type { Project } from '../projects/project';
import { ProjectsRepository } from '../projects/projects.repository';
import { ProjectLock } from '../provisioning/project-lock';

/**
 * ProjectUnregistrationRequested: removes what provisioning created, newest first (the
 * SourceCommit repository only when asked), then records the project deleted and announces
 * what was removed and kept. Something already gone counts as removed; any other failure is
 * thrown, so the message is retried and the removal resumes where it stopped.
 */
@Injectable()
export class UnregisterProject {
  private readonly log = new Logger(UnregisterProject.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsRepository,
    private readonly outbox: OutboxStore,
    private readonly lock: ProjectLock,
    @Inject(NCP_CLIENTS) private readonly ncp: NcpClients,
  ) {}

  handle(envelope: EventEnvelope<string, ProjectUnregistrationRequestedPayload>): Promise<void> {
    const { projectId, deleteRepository } = envelope.payload;
    return this.lock.withLock(projectId, async () => {
      const project = await this.projects.find(projectId);
      if (!project || project.status === 'deleted') return;
      await this.projects.setStatus(this.dataSource.manager, projectId, 'deleting');
      const removed: string[] = [];
      const kept: string[] = [];
      for (const [what, remove] of this.removals(project, deleteRepository)) {
        if (!remove) {
          kept.push(what);
          continue;
        }
        await ignoreNotFound(remove);
        removed.push(what);
      }
      await this.dataSource.transaction(async (manager) => {
        await this.projects.setStatus(manager, projectId, 'deleted');
        const revision = await this.projects.nextRevision(manager, projectId);
        await this.outbox.append(manager, [
          createEnvelope(
            Events.ProjectUnregistered,
            { projectId, removed, kept, revision },
            { correlationId: projectId, causationId: envelope.id },
          ),
        ]);
      });
      this.log.log(`${project.owner}/${project.repo} unregistered; removed ${removed.join(', ') || 'nothing'}`);
    });
  }

  /** Each NCP resource with how to remove it, or null to keep it (or when it was never created). */
  private removals(project: Project, deleteRepository: boolean): Array<[string, (() => Promise<void>) | null]> {
    const ids = project.ncp;
    const deploy = Number(ids.sourceDeployProjectId);
    const stage = Number(ids.sourceDeployStageId);
    const n = project.names;
    return [
      [
        `SourcePipeline ${n.sourcePipeline}`,
        ids.sourcePipelineId ? () => this.ncp.sourcePipeline.deletePipeline(Number(ids.sourcePipelineId)) : null,
      ],
      [
        `SourceDeploy scenario of ${n.sourceDeployProject}`,
        ids.sourceDeployScenarioId
          ? () => this.ncp.sourceDeploy.deleteScenario(deploy, stage, Number(ids.sourceDeployScenarioId))
          : null,
      ],
      [
        `SourceDeploy stage of ${n.sourceDeployProject}`,
        ids.sourceDeployStageId ? () => this.ncp.sourceDeploy.deleteStage(deploy, stage) : null,
      ],
      [
        `SourceDeploy project ${n.sourceDeployProject}`,
        ids.sourceDeployProjectId ? () => this.ncp.sourceDeploy.deleteProject(deploy) : null,
      ],
      [
        `SourceBuild project ${n.sourceBuildProject}`,
        ids.sourceBuildProjectId ? () => this.ncp.sourceBuild.deleteProject(Number(ids.sourceBuildProjectId)) : null,
      ],
      [
        `SourceCommit repository ${n.sourceCommitRepository}`,
        deleteRepository && ids.sourceCommitRepositoryId
          ? () => this.ncp.sourceCommit.deleteRepository(Number(ids.sourceCommitRepositoryId))
          : null,
      ],
    ];
  }
}

async function ignoreNotFound(remove: () => Promise<void>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!(error instanceof NcpApiError && error.status === 404)) throw error;
  }
}
