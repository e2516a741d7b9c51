import { Module } from '@nestjs/common';
import { ReadModel } from '@klepaas/read-model';
import { ProjectCluster } from '../cluster/project-cluster.service';
import { GithubLookup } from '../projects/github-lookup';
import { ProjectCommandsService } from '../projects/project-commands.service';
import { ProjectSlackDestinations } from '../projects/project-slack-destinations';
import { ProjectViews } from '../projects/project-views';
import { RegisterProjectService } from '../projects/register-project.service';
import { RepositoryAccess } from '../projects/repository-access';
import { RunCommandsService } from '../runs/run-commands.service';
import { RunViews } from '../runs/run-views';
import { ProjectWebhookSecrets } from '../webhooks/project-webhook-secrets';
import { AdminLogin } from './admin-login';
import { CallerProjects } from './caller-projects';
import { CompatAuthController } from './compat-auth.controller';
import { CompatDeploymentsController } from './compat-deployments.controller';
import { CompatPipelinesController } from './compat-pipelines.controller';
import { CompatRepositoriesController } from './compat-repositories.controller';
import { DashboardDeployments } from './dashboard-deployments';
import { DashboardPipelines } from './dashboard-pipelines';
import { NumericIds } from './numeric-ids';

/**
 * The gateway's own services the compatibility routes go through: the same classes our REST API
 * uses, stateless over the same tables, provided here again because the gateway module exports
 * none. So every check (ownership, GitHub access, project state) is the one our API makes.
 */
const GATEWAY_SERVICES = [
  ReadModel,
  ProjectViews,
  RunViews,
  GithubLookup,
  RepositoryAccess,
  ProjectWebhookSecrets,
  ProjectSlackDestinations,
  RegisterProjectService,
  ProjectCommandsService,
  RunCommandsService,
  ProjectCluster,
];

/**
 * The original K-Le-PaaS dashboard's CI/CD API (docs/compat.md): a thin adapter that renames,
 * reshapes and aliases ids; it decides nothing of its own.
 */
@Module({
  controllers: [
    CompatAuthController,
    CompatRepositoriesController,
    CompatPipelinesController,
    CompatDeploymentsController,
  ],
  providers: [...GATEWAY_SERVICES, NumericIds, CallerProjects, DashboardPipelines, DashboardDeployments, AdminLogin],
})
export class CompatModule {}
