import { Module } from '@nestjs/common';
import { RegistryModule } from '../../registry/registry.module';
import { SourceCommitModule } from '../sourcecommit/sourcecommit.module';
import { BuildProjectsController } from './build-projects.controller';
import { BuildProjects } from './build-projects.store';
import { BuildWork } from './build-work';
import { BuildsService } from './builds.service';
import { SandboxBuildsController } from './sandbox-builds.controller';
import { SourceBuildCatalogController } from './sourcebuild-catalog.controller';

@Module({
  imports: [SourceCommitModule, RegistryModule],
  controllers: [BuildProjectsController, SourceBuildCatalogController, SandboxBuildsController],
  providers: [BuildProjects, BuildsService, BuildWork],
  exports: [BuildProjects, BuildsService],
})
export class SourceBuildModule {}
