import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  createEnvelope,
  EventEnvelope,
  Events,
  ProjectRunsStoppedPayload,
  ProjectUnregistrationRequestedPayload,
} from '@klepaas/contracts';
import { NCP_CLIENTS, NcpApiError, NcpClients } from '@klepaas/ncp';
import { OutboxStore } from '@klepaas/persistence';
import type { Project, ProjectNcpIds } from '../projects/project';
import { SCENARIO_NAME, STAGE_NAME } from '../projects/project-names';
import { ProjectsRepository } from '../projects/projects.repository';
import { ProjectLock } from '../provisioning/project-lock';
import { ProjectNamespace } from '../provisioning/project-namespace';

/** One NCP resource of the project: its id (stored, or found by its name when only its creation was recorded). */
interface Removal {
  what: string;
  key: keyof ProjectNcpIds;
  find: () => Promise<number | undefined>;
  remove: (id: number) => Promise<void>;
  keep?: boolean;
}

/**
 * Unregistering, in two halves that may arrive in either order: ProjectUnregistrationRequested
 * (the user) makes the project deleting, and ProjectRunsStopped (the runner, once nothing of the
 * project runs at NCP any more) lets its resources go. Then it removes what provisioning created,
 * newest first: the
 * SourceCommit repository too unless the user asked to keep it. A resource whose creation was
 * recorded but whose id never was (a crash in between) is found by its name, which carries the
 * project's suffix. Then records the project deleted and announces what was removed and what is
 * left: the SourceCommit repository when kept, the namespace and its workloads (SourceDeploy
 * cannot delete them), the images in the registry. Something already gone counts as removed;
 * any other failure is thrown, so the message is retried and the removal resumes where it stopped.
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
    private readonly namespace: ProjectNamespace,
  ) {}

  /** The user's request: the project is deleting at once; its resources go once its runs are stopped. */
  requested(envelope: EventEnvelope<string, ProjectUnregistrationRequestedPayload>): Promise<void> {
    const { projectId, deleteRepository } = envelope.payload;
    return this.lock.withLock(projectId, async () => {
      const project = await this.projects.find(projectId);
      if (!project || project.status === 'deleted') return;
      await this.projects.setStatus(this.dataSource.manager, projectId, 'deleting');
      await this.projects.recordUnregisterRequest(projectId, { deleteRepository, causationId: envelope.id });
      await this.removeWhenBoth(projectId);
    });
  }

  /**
   * The runner cancelled the project's run at NCP (or had none): a build or deploy can no longer
   * be polling a SourceBuild or SourceDeploy project that is being deleted.
   */
  runsStopped(envelope: EventEnvelope<string, ProjectRunsStoppedPayload>): Promise<void> {
    const { projectId } = envelope.payload;
    return this.lock.withLock(projectId, async () => {
      if (!(await this.projects.find(projectId))) return;
      await this.projects.recordRunsStopped(projectId);
      await this.removeWhenBoth(projectId);
    });
  }

  /** Either event may come first (they come from different services): the second one removes. */
  private async removeWhenBoth(projectId: string): Promise<void> {
    const project = (await this.projects.find(projectId))!;
    if (project.status !== 'deleting' || !project.unregisterRequest || !project.runsStoppedAt) return;
    const { deleteRepository, causationId } = project.unregisterRequest;
    const removed: string[] = [];
    const kept: string[] = [];
    for (const removal of this.removals(project, deleteRepository)) {
      const id = await this.idOf(project, removal);
      if (id === undefined) continue; // never created
      if (removal.keep) kept.push(`${removal.what} (kept as asked)`);
      else {
        await ignoreNotFound(() => removal.remove(id));
        removed.push(removal.what);
      }
    }
    // The namespace goes with the project only when its labels say it is this project's.
    const namespace = await this.namespace.remove(project);
    if (namespace.removed) removed.push(namespace.removed);
    if (namespace.kept) kept.push(namespace.kept);
    kept.push(`images ${project.names.imageName}:* in the container registry`);
    await this.dataSource.transaction(async (manager) => {
      await this.projects.setStatus(manager, projectId, 'deleted');
      const revision = await this.projects.nextRevision(manager, projectId);
      await this.outbox.append(manager, [
        createEnvelope(
          Events.ProjectUnregistered,
          { projectId, removed, kept, revision },
          { correlationId: projectId, causationId },
        ),
      ]);
    });
    this.log.log(`${project.owner}/${project.repo} unregistered; removed ${removed.join(', ') || 'nothing'}`);
  }

  private async idOf(project: Project, removal: Removal): Promise<number | undefined> {
    const stored = project.ncp[removal.key];
    if (stored) return Number(stored);
    return project.creating.includes(removal.key) ? removal.find() : undefined;
  }

  /** The project's NCP resources, newest first. */
  private removals(project: Project, deleteRepository: boolean): Removal[] {
    const { sourceCommit, sourceBuild, sourceDeploy, sourcePipeline } = this.ncp;
    const ids = project.ncp;
    const deploy = Number(ids.sourceDeployProjectId);
    const stage = Number(ids.sourceDeployStageId);
    const n = project.names;
    const inDeploy = <T>(find: () => Promise<T>) => (ids.sourceDeployProjectId ? find() : undefined);
    return [
      {
        what: `SourcePipeline ${n.sourcePipeline}`,
        key: 'sourcePipelineId',
        find: async () => (await sourcePipeline.findPipelineByName(n.sourcePipeline))?.id,
        remove: (id) => sourcePipeline.deletePipeline(id),
      },
      {
        what: `SourceDeploy scenario of ${n.sourceDeployProject}`,
        key: 'sourceDeployScenarioId',
        find: async () =>
          ids.sourceDeployStageId
            ? (await sourceDeploy.findScenarioByName(deploy, stage, SCENARIO_NAME))?.id
            : undefined,
        remove: (id) => sourceDeploy.deleteScenario(deploy, stage, id),
      },
      {
        what: `SourceDeploy stage of ${n.sourceDeployProject}`,
        key: 'sourceDeployStageId',
        find: async () => (await inDeploy(() => sourceDeploy.findStageByName(deploy, STAGE_NAME)))?.id,
        remove: (id) => sourceDeploy.deleteStage(deploy, id),
      },
      {
        what: `SourceDeploy project ${n.sourceDeployProject}`,
        key: 'sourceDeployProjectId',
        find: async () => (await sourceDeploy.findProjectByName(n.sourceDeployProject))?.id,
        remove: (id) => sourceDeploy.deleteProject(id),
      },
      {
        what: `SourceBuild project ${n.sourceBuildProject}`,
        key: 'sourceBuildProjectId',
        find: async () => (await sourceBuild.findProjectByName(n.sourceBuildProject))?.id,
        remove: (id) => sourceBuild.deleteProject(id),
      },
      {
        what: `SourceCommit repository ${n.sourceCommitRepository}`,
        key: 'sourceCommitRepositoryId',
        find: async () => (await sourceCommit.findRepository(n.sourceCommitRepository))?.id,
        remove: (id) => sourceCommit.deleteRepository(id),
        keep: !deleteRepository,
      },
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
