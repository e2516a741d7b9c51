import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEnvelope, Events } from '@klepaas/contracts';
import { OutboxStore } from '@klepaas/persistence';
import type { Project } from '../projects/project';
import { ProjectsRepository } from '../projects/projects.repository';
import { errorInfo } from './error-info';
import { ProjectLock } from './project-lock';
import { ProvisioningSteps } from './provisioning-steps';

/**
 * Brings a project in `provisioning` to `ready` (ProjectProvisioned) or `failed`
 * (ProjectProvisioningFailed, naming the step and NCP's error). Safe to run again at any time:
 * it only ever completes what is missing.
 */
@Injectable()
export class ProvisionProject {
  private readonly log = new Logger(ProvisionProject.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsRepository,
    private readonly steps: ProvisioningSteps,
    private readonly outbox: OutboxStore,
    private readonly lock: ProjectLock,
  ) {}

  run(projectId: string, causationId: string): Promise<void> {
    return this.lock.withLock(projectId, async () => {
      const project = await this.projects.find(projectId);
      if (!project || project.status !== 'provisioning') return;
      for (const step of this.steps.all()) {
        try {
          await step.run(project);
        } catch (error) {
          this.log.warn(
            `provisioning ${project.owner}/${project.repo} failed at ${step.name}: ${String((error as Error).message)}`,
          );
          return this.fail(project, step.name, error, causationId);
        }
      }
      await this.finish(project, causationId);
    });
  }

  private async finish(project: Project, causationId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.projects.setStatus(manager, project.id, 'ready');
      const revision = await this.projects.nextRevision(manager, project.id);
      const ncp = project.ncp;
      await this.outbox.append(manager, [
        createEnvelope(
          Events.ProjectProvisioned,
          {
            projectId: project.id,
            ownerId: project.ownerId,
            owner: project.owner,
            repo: project.repo,
            githubRepositoryId: project.githubRepositoryId,
            installationId: project.installationId,
            namespace: project.names.namespace,
            imageName: project.names.imageName,
            settings: project.settings,
            ncp: {
              sourceCommitRepository: project.names.sourceCommitRepository,
              sourceBuildProjectId: ncp.sourceBuildProjectId!,
              sourceDeployProjectId: ncp.sourceDeployProjectId!,
              sourceDeployStageId: ncp.sourceDeployStageId!,
              sourceDeployScenarioId: ncp.sourceDeployScenarioId!,
              sourcePipelineId: ncp.sourcePipelineId!,
            },
            revision,
          },
          { correlationId: project.id, causationId },
        ),
      ]);
    });
    this.log.log(`${project.owner}/${project.repo} is ready`);
  }

  private async fail(project: Project, step: string, error: unknown, causationId: string): Promise<void> {
    const info = errorInfo(error);
    await this.dataSource.transaction(async (manager) => {
      await this.projects.setStatus(manager, project.id, 'failed', { step, error: info });
      const revision = await this.projects.nextRevision(manager, project.id);
      await this.outbox.append(manager, [
        createEnvelope(
          Events.ProjectProvisioningFailed,
          { projectId: project.id, step: step as never, error: info, revision },
          { correlationId: project.id, causationId },
        ),
      ]);
    });
  }
}
