import { Injectable } from '@nestjs/common';
import { GitCli } from '../../common/git-cli';
import { SandboxContext } from '../../common/sandbox-context';
import { BuildFailedPhase } from '../../faults/fault-rule';
import { buildImage } from '../../registry/image-manifest';
import { RegistryStore } from '../../registry/registry.store';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';
import type { BuildProject } from './build-projects.store';

export type BuildOutcome =
  | { ok: true; commit: string; repository: string; dockerfile?: Buffer; image?: { name: string; tags: string[] } }
  | { ok: false; failedPhase: BuildFailedPhase; reason: string; commit?: string };

/**
 * What a build actually does here: read the SourceCommit repository at the branch head, find
 * the Dockerfile, and on success publish the image to the sandbox registry under the tags
 * `cmd.dockerbuild` names. Commands in `cmd.pre/build/post` are not run.
 */
@Injectable()
export class BuildWork {
  constructor(
    private readonly repositories: SourceCommitRepositories,
    private readonly git: GitCli,
    private readonly registry: RegistryStore,
    private readonly context: SandboxContext,
  ) {}

  async inspect(project: BuildProject, branch: string): Promise<BuildOutcome> {
    const name = project.source.config.repository;
    const repo = this.repositories.find(name);
    if (!repo)
      return { ok: false, failedPhase: 'prepare', reason: `SourceCommit repository "${name}" no longer exists` };
    const commit = await this.git.branchHead(repo.gitDir, branch);
    if (!commit)
      return { ok: false, failedPhase: 'prepare', reason: `branch "${branch}" does not exist in repository "${name}"` };
    const dockerbuild = project.cmd?.dockerbuild;
    if (!dockerbuild?.use) return { ok: true, commit, repository: name };
    const path = dockerbuild.dockerfile || 'Dockerfile';
    const dockerfile = await this.git.readFile(repo.gitDir, commit, path);
    if (!dockerfile)
      return {
        ok: false,
        failedPhase: 'build',
        commit,
        reason: `no Dockerfile at "${path}" in ${name}@${branch} (${commit.slice(0, 7)})`,
      };
    const problem = dockerfileProblem(dockerfile.toString('utf8'));
    if (problem) return { ok: false, failedPhase: 'build', commit, reason: `${path}: ${problem}` };
    const tags = [dockerbuild.tag!, ...(dockerbuild.latest && dockerbuild.tag !== 'latest' ? ['latest'] : [])];
    return { ok: true, commit, repository: name, dockerfile, image: { name: dockerbuild.image!, tags } };
  }

  /** Pushes the built image; returns the references it can be pulled by. */
  publish(outcome: Extract<BuildOutcome, { ok: true }>, buildId: string): string[] {
    if (!outcome.image || !outcome.dockerfile) return [];
    const image = buildImage({
      commit: outcome.commit,
      buildId,
      repository: outcome.repository,
      dockerfile: outcome.dockerfile,
      createdAt: new Date(),
    });
    this.registry.publish(outcome.image.name, outcome.image.tags, image, { buildId, commit: outcome.commit });
    return outcome.image.tags.map((tag) => `${this.context.registryHost}/${outcome.image!.name}:${tag}`);
  }
}

/** A Dockerfile's first instruction must be FROM (ARG may precede it), as docker build insists. */
function dockerfileProblem(text: string): string | undefined {
  const instructions = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(/\s+/)[0].toUpperCase());
  const first = instructions.find((i) => i !== 'ARG');
  if (!first) return 'the file has no instructions';
  if (first !== 'FROM') return `the first instruction is ${first}, not FROM`;
  return undefined;
}
