import type { ProjectView } from '@klepaas/read-model';

/**
 * A project as the dashboard's repositories tab reads it. `webhookConfigured`: deliveries reach
 * us through the K-Le-PaaS GitHub App when an installation covers the repository; whether a
 * repository hook exists as well is GitHub's to know, not ours.
 */
export function repositoryShape(project: ProjectView, alias: number, gitWebUrl: string) {
  return {
    id: alias,
    project_id: project.id,
    owner: project.owner,
    name: project.repo,
    fullName: `${project.owner}/${project.repo}`,
    connected: true,
    lastSync: project.updatedAt,
    branch: project.branch,
    autoDeployEnabled: project.autoDeploy,
    webhookConfigured: project.installationId !== undefined,
    project_status: project.status,
    htmlUrl: `${gitWebUrl}/${project.owner}/${project.repo}`,
  };
}
