import { Injectable } from '@nestjs/common';
import { deepMerge } from '../../common/deep-merge';
import { Sequence } from '../../common/ids';
import { ProjectNames } from '../../common/project-names';
import { ResetHooks } from '../../common/reset-hooks';
import { SandboxContext } from '../../common/sandbox-context';
import { badRequest } from '../ncp-error';
import { parseBody } from '../ncp-validation';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';
import { checkBuildProjectReferences } from './build-project.references';
import { BuildProjectSpec, createBuildProjectBody } from './build-project.schemas';

export interface BuildProject extends BuildProjectSpec {
  id: number;
  created: { timestamp: number; user: string };
}

/** SourceBuild projects, validated as NCP does before anything is stored. */
@Injectable()
export class BuildProjects {
  private readonly projects = new Map<number, BuildProject>();
  private readonly ids = new Sequence(20001);

  constructor(
    private readonly repositories: SourceCommitRepositories,
    private readonly context: SandboxContext,
    projectNames: ProjectNames,
    resetHooks: ResetHooks,
  ) {
    projectNames.register('sourcebuild', (id) => this.projects.get(id)?.name);
    resetHooks.register(() => {
      this.projects.clear();
      this.ids.reset();
    });
  }

  list(): BuildProject[] {
    return [...this.projects.values()];
  }

  find(id: number): BuildProject | undefined {
    return this.projects.get(id);
  }

  create(body: unknown): BuildProject {
    const spec = this.validate(body);
    if (this.list().some((p) => p.name === spec.name))
      throw badRequest(`project name "${spec.name}" is already in use`);
    const project: BuildProject = {
      ...spec,
      id: this.ids.take(),
      created: { timestamp: Date.now(), user: 'sandbox-user' },
    };
    this.projects.set(project.id, project);
    return project;
  }

  /** Merges a ChangeProject body into the project and checks the result as a whole. */
  change(project: BuildProject, patch: Record<string, unknown>): BuildProject {
    const { id, created, ...current } = project;
    const rest = { ...patch };
    delete rest.name;
    const spec = this.validate(deepMerge(current, rest));
    const changed: BuildProject = { ...spec, name: project.name, id, created };
    this.projects.set(id, changed);
    return changed;
  }

  delete(project: BuildProject): void {
    this.projects.delete(project.id);
  }

  private validate(body: unknown): BuildProjectSpec {
    const spec = parseBody(createBuildProjectBody, body);
    const problems = checkBuildProjectReferences(spec, {
      repositoryExists: (name) => this.repositories.find(name) !== undefined,
      registryName: this.context.options.registryName,
    });
    if (problems.length) throw badRequest(problems.join('; '));
    return spec;
  }
}
