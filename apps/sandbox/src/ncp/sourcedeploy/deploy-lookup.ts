import { Injectable } from '@nestjs/common';
import { notFound } from '../ncp-error';
import { idParam } from '../ncp-validation';
import { DeployProject, DeployProjects, Scenario, Stage } from './deploy-projects.store';

/** Resolves path ids to project, stage and scenario, each one a 404 in NCP's shape when missing or not nested. */
@Injectable()
export class DeployLookup {
  constructor(private readonly store: DeployProjects) {}

  project(raw: string): DeployProject {
    const project = this.store.findProject(idParam(raw, 'project'));
    if (!project) throw notFound(`project ${raw} not found`);
    return project;
  }

  stage(rawProject: string, rawStage: string): { project: DeployProject; stage: Stage } {
    const project = this.project(rawProject);
    const stage = this.store.findStage(project.id, idParam(rawStage, 'stage'));
    if (!stage) throw notFound(`stage ${rawStage} not found in project ${project.id}`);
    return { project, stage };
  }

  scenario(
    rawProject: string,
    rawStage: string,
    rawScenario: string,
  ): { project: DeployProject; stage: Stage; scenario: Scenario } {
    const { project, stage } = this.stage(rawProject, rawStage);
    const scenario = this.store.findScenario(stage, idParam(rawScenario, 'scenario'));
    if (!scenario) throw notFound(`scenario ${rawScenario} not found in stage ${stage.id}`);
    return { project, stage, scenario };
  }
}
