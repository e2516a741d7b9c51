import { Module } from '@nestjs/common';
import { ClusterModule } from '../../cluster/cluster.module';
import { RegistryModule } from '../../registry/registry.module';
import { SourceBuildModule } from '../sourcebuild/sourcebuild.module';
import { SourceCommitModule } from '../sourcecommit/sourcecommit.module';
import { DeployHistoriesController } from './deploy-histories.controller';
import { DeployLookup } from './deploy-lookup';
import { DeployManifests } from './deploy-manifests';
import { DeployProjectsController } from './deploy-projects.controller';
import { DeployProjects } from './deploy-projects.store';
import { DeploysService } from './deploys.service';
import { SourceDeployCatalogController } from './sourcedeploy-catalog.controller';

@Module({
  imports: [SourceCommitModule, SourceBuildModule, RegistryModule, ClusterModule],
  controllers: [DeployProjectsController, DeployHistoriesController, SourceDeployCatalogController],
  providers: [DeployProjects, DeploysService, DeployManifests, DeployLookup],
  exports: [DeployProjects, DeploysService],
})
export class SourceDeployModule {}
