import { Module } from '@nestjs/common';
import { SourceBuildModule } from '../sourcebuild/sourcebuild.module';
import { SourceCommitModule } from '../sourcecommit/sourcecommit.module';
import { SourceDeployModule } from '../sourcedeploy/sourcedeploy.module';
import { PipelineRunsService } from './pipeline-runs.service';
import { PipelineTaskRunner } from './pipeline-task-runner';
import { PipelinesController } from './pipelines.controller';
import { Pipelines } from './pipelines.store';
import { SourcePipelineCatalogController } from './sourcepipeline-catalog.controller';

@Module({
  imports: [SourceCommitModule, SourceBuildModule, SourceDeployModule],
  controllers: [PipelinesController, SourcePipelineCatalogController],
  providers: [Pipelines, PipelineRunsService, PipelineTaskRunner],
})
export class SourcePipelineModule {}
