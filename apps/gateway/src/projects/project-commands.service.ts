import { ConflictException, Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEnvelope, Events } from '@klepaas/contracts';
import type { Principal } from '@klepaas/auth';
import { KUBE_CLIENT, KubeClient } from '@klepaas/kube';
import { OutboxStore } from '@klepaas/persistence';
import type { ProjectView } from '@klepaas/read-model';
import type { SettingsChangeInput } from './project-input';
import { ProjectSlackDestinations } from './project-slack-destinations';
import { ProjectViews } from './project-views';
import { RepositoryClaims } from './repository-claims';

/** PATCH and DELETE of a project: checked against the caller, then handed to the provisioner. */
@Injectable()
export class ProjectCommandsService {
  private readonly claims = new RepositoryClaims();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxStore,
    private readonly views: ProjectViews,
    private readonly slack: ProjectSlackDestinations,
    @Optional() @Inject(KUBE_CLIENT) private readonly kube: KubeClient | null = null,
  ) {}

  async changeSettings(caller: Principal, projectId: string, input: SettingsChangeInput): Promise<ProjectView> {
    const { slackWebhookUrl, ...changes } = input;
    const project = await this.ownLiveProject(caller, projectId);
    if (typeof slackWebhookUrl === 'string') this.slack.check(slackWebhookUrl);
    // The Slack destination is the gateway's to keep (sealed); the other settings go to the provisioner.
    const masked = await this.dataSource.transaction(async (manager) => {
      const shown =
        slackWebhookUrl === undefined ? undefined : await this.slack.set(manager, projectId, slackWebhookUrl);
      if (Object.values(changes).some((v) => v !== undefined))
        await this.outbox.append(manager, [
          createEnvelope(
            Events.ProjectSettingsChangeRequested,
            { projectId, requestedBy: caller.userId, changes },
            { correlationId: projectId },
          ),
        ]);
      return shown;
    });
    const { slackWebhookUrl: _previous, ...view } = project;
    const slack = masked === undefined ? _previous : (masked ?? undefined);
    return { ...view, ...changes, ...(slack ? { slackWebhookUrl: slack } : {}) };
  }

  async unregister(
    caller: Principal,
    projectId: string,
    deleteRepository: boolean,
  ): Promise<ProjectView & { leftOnCluster: string | null }> {
    const project = await this.ownLiveProject(caller, projectId);
    await this.dataSource.transaction(async (manager) => {
      // Released at once: the repository can be registered again while NCP is being cleaned up.
      await this.claims.release(manager, projectId);
      await this.outbox.append(manager, [
        createEnvelope(
          Events.ProjectUnregistrationRequested,
          { projectId, requestedBy: caller.userId, deleteRepository },
          { correlationId: projectId },
        ),
      ]);
    });
    // NCP's SourceDeploy cannot delete workloads: without cluster access say so now, not only once
    // the project is gone. With it, the provisioner deletes the namespace when it is labelled ours.
    const leftOnCluster =
      project.namespace && !this.kube
        ? `namespace ${project.namespace} and whatever was deployed in it: SourceDeploy cannot delete workloads ` +
          `(remove it with: kubectl delete namespace ${project.namespace})`
        : null;
    return { ...project, status: 'deleting', leftOnCluster };
  }

  private async ownLiveProject(caller: Principal, projectId: string): Promise<ProjectView> {
    const project = await this.views.find(projectId, caller.userId);
    if (!project || project.status === 'deleted') throw new NotFoundException(`project ${projectId} not found`);
    if (project.status === 'deleting') throw new ConflictException(`project ${projectId} is being deleted`);
    return project;
  }
}
