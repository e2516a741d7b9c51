import { Module } from '@nestjs/common';
import { AppManifests } from './app-manifests.store';
import { GithubAppController } from './github-app.controller';
import { GithubAppManifestController } from './github-app-manifest.controller';
import { GithubAuth } from './github-auth.service';
import { GithubCollaboratorsController } from './github-collaborators.controller';
import { GithubCollaborators } from './github-collaborators.store';
import { GithubDeploymentsController } from './github-deployments.controller';
import { GithubDeployments } from './github-deployments.store';
import { GithubRepoAccess } from './github-repo-access';
import { GithubReposController } from './github-repos.controller';
import { GithubSetupController } from './github-setup.controller';
import { GithubStore } from './github.store';
import { InstallationTokens } from './installation-tokens';

/** GitHub stand-ins: App tokens, repositories, collaborators, pull requests, deployments, and their setup routes. */
@Module({
  controllers: [
    GithubAppController,
    GithubAppManifestController,
    GithubReposController,
    GithubDeploymentsController,
    GithubSetupController,
    GithubCollaboratorsController,
  ],
  providers: [
    AppManifests,
    GithubStore,
    GithubDeployments,
    GithubAuth,
    GithubRepoAccess,
    InstallationTokens,
    GithubCollaborators,
  ],
  exports: [GithubStore, GithubAuth],
})
export class GithubModule {}
