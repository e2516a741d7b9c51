import { Inject, Injectable } from '@nestjs/common';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import {
  buildThenDeployPipeline,
  EnsureOptions,
  kubernetesScenario,
  kubernetesStage,
  NCP_CLIENTS,
  NcpClients,
  NksClusterRef,
} from '@klepaas/ncp';
import type { Project, ProjectNcpIds } from '../projects/project';
import { DEPLOY_BRANCH, MANIFEST_PATH, SCENARIO_NAME, STAGE_NAME } from '../projects/project-names';
import { ProjectsRepository } from '../projects/projects.repository';
import { BuildEnvironmentResolver } from './build-environment';
import { ProjectNamespace } from './project-namespace';

export type ProvisioningStepName = 'cluster' | 'sourcecommit' | 'sourcebuild' | 'sourcedeploy' | 'sourcepipeline';

export interface ProvisioningStep {
  name: ProvisioningStepName;
  /** Ensures the step's resources exist, storing each id as soon as it is known. */
  run(project: Project): Promise<void>;
}

/**
 * The steps of a registration, in order: the cluster namespace (with a kubeconfig), then the four NCP ones. Each skips what the project already holds
 * an id for, and finds by name or creates the rest, so a retry after a partial failure
 * completes only what is missing and creates nothing twice. A resource found under the
 * project's name is adopted only when the project recorded, before an earlier create call, that
 * it was creating it (a crash may have lost the answer); anything else under that name is not
 * the project's, and provisioning fails saying so rather than taking it over.
 */
@Injectable()
export class ProvisioningSteps {
  constructor(
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
    @Inject(NCP_CLIENTS) private readonly ncp: NcpClients,
    private readonly projects: ProjectsRepository,
    private readonly buildEnvironment: BuildEnvironmentResolver,
    private readonly namespace: ProjectNamespace,
  ) {}

  all(): ProvisioningStep[] {
    return [
      // First: a namespace that is someone else's fails the registration before NCP is touched.
      { name: 'cluster', run: (p) => this.namespace.ensure(p) },
      { name: 'sourcecommit', run: (p) => this.sourceCommit(p) },
      { name: 'sourcebuild', run: (p) => this.sourceBuild(p) },
      { name: 'sourcedeploy', run: (p) => this.sourceDeploy(p) },
      { name: 'sourcepipeline', run: (p) => this.sourcePipeline(p) },
    ];
  }

  private async sourceCommit(project: Project): Promise<void> {
    await this.ensure(project, 'sourceCommitRepositoryId', (own) =>
      this.ncp.sourceCommit.ensureRepository(
        project.names.sourceCommitRepository,
        { description: `K-Le-PaaS mirror of github.com/${project.owner}/${project.repo}` },
        own,
      ),
    );
  }

  private async sourceBuild(project: Project): Promise<void> {
    const registry = this.config.ncp.registry.name;
    if (!registry) throw new Error('no container registry is configured (KLEPAAS_NCP_CONTAINER_REGISTRY_NAME or _URL)');
    const env = await this.buildEnvironment.environment();
    await this.ensure(project, 'sourceBuildProjectId', (own) =>
      this.ncp.sourceBuild.ensureBuildProject(
        {
          name: project.names.sourceBuildProject,
          description: `K-Le-PaaS build of ${project.owner}/${project.repo}`,
          source: {
            type: 'SourceCommit',
            config: { repository: project.names.sourceCommitRepository, branch: DEPLOY_BRANCH },
          },
          env,
          cmd: {
            pre: [],
            build: [],
            post: [],
            // The tag is set on the project before each build (docs/ncp.md, api §4.5).
            dockerbuild: {
              use: true,
              dockerfile: 'Dockerfile',
              registry,
              image: project.names.imageName,
              tag: 'latest',
              latest: false,
            },
          },
        },
        own,
      ),
    );
  }

  private async sourceDeploy(project: Project): Promise<void> {
    const projectId = await this.ensure(project, 'sourceDeployProjectId', (own) =>
      this.ncp.sourceDeploy.ensureDeployProject(project.names.sourceDeployProject, own),
    );
    const stageId = await this.ensure(project, 'sourceDeployStageId', (own) =>
      this.ncp.sourceDeploy.ensureStage(projectId, kubernetesStage(STAGE_NAME, this.cluster()), own),
    );
    await this.ensure(project, 'sourceDeployScenarioId', (own) =>
      this.ncp.sourceDeploy.ensureScenario(
        projectId,
        stageId,
        kubernetesScenario({
          name: SCENARIO_NAME,
          repository: project.names.sourceCommitRepository,
          branch: DEPLOY_BRANCH,
          paths: [MANIFEST_PATH],
          strategy: 'rolling',
        }),
        own,
      ),
    );
  }

  private async sourcePipeline(project: Project): Promise<void> {
    const { sourceBuildProjectId, sourceDeployProjectId, sourceDeployStageId, sourceDeployScenarioId } = project.ncp;
    await this.ensure(project, 'sourcePipelineId', (own) =>
      this.ncp.sourcePipeline.ensurePipeline(
        buildThenDeployPipeline({
          name: project.names.sourcePipeline,
          description: `K-Le-PaaS: build then deploy ${project.owner}/${project.repo}`,
          buildProjectId: Number(sourceBuildProjectId),
          deployProjectId: Number(sourceDeployProjectId),
          stageId: Number(sourceDeployStageId),
          scenarioId: Number(sourceDeployScenarioId),
        }),
        own,
      ),
    );
  }

  /** The cluster as configured: by number when KLEPAAS_NCP_NKS_CLUSTER_NO is set (docs/ncp.md, api §5.2). */
  private cluster(): NksClusterRef {
    const { clusterId, clusterNo } = this.config.ncp.nks;
    if (clusterNo !== undefined) return { clusterNo };
    if (!clusterId) throw new Error('no NKS cluster is configured (KLEPAAS_NCP_NKS_CLUSTER_ID or _NO)');
    return { clusterUuid: clusterId };
  }

  /**
   * Runs `create` only when the project has no id for `key` yet, and stores the id at once.
   * `create` gets the adoption rule: an existing resource is the project's only if it recorded
   * creating it; the record is made (and committed) before the create call.
   */
  private async ensure(
    project: Project,
    key: keyof ProjectNcpIds,
    create: (own: EnsureOptions) => Promise<number>,
  ): Promise<number> {
    const known = project.ncp[key];
    if (known) return Number(known);
    const id = await create({
      adoptExisting: project.creating.includes(key),
      beforeCreate: async () => {
        await this.projects.markCreating(project.id, key);
        project.creating.push(key);
      },
    });
    await this.projects.setNcpId(project.id, key, String(id));
    project.ncp[key] = String(id);
    return id;
  }
}
