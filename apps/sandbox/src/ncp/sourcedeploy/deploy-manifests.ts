import { Injectable } from '@nestjs/common';
import { GitCli } from '../../common/git-cli';
import { SandboxContext } from '../../common/sandbox-context';
import { imagesOf, K8sObject, parseImageReference, parseManifest } from '../../cluster/manifest-objects';
import { RegistryStore } from '../../registry/registry.store';
import { SourceCommitRepositories } from '../sourcecommit/repositories.store';
import type { Scenario } from './deploy-projects.store';

export type ManifestOutcome =
  { ok: true; commit: string; objects: K8sObject[] } | { ok: false; reason: string; commit?: string };

/**
 * What a KubernetesService deploy reads: the scenario's manifest paths at the head of its
 * SourceCommit branch. It fails where a real rollout would: files missing, documents that are
 * not Kubernetes objects, or an image on the sandbox registry that was never pushed (the pods
 * would sit in ImagePullBackOff). Images on other registries are taken on trust.
 */
@Injectable()
export class DeployManifests {
  constructor(
    private readonly repositories: SourceCommitRepositories,
    private readonly git: GitCli,
    private readonly registry: RegistryStore,
    private readonly context: SandboxContext,
  ) {}

  async read(scenario: Scenario): Promise<ManifestOutcome> {
    const manifest = scenario.config.manifest;
    if (!manifest) return { ok: false, reason: 'the scenario has no manifest' };
    const repo = this.repositories.find(manifest.repository);
    if (!repo) return { ok: false, reason: `SourceCommit repository "${manifest.repository}" no longer exists` };
    const commit = await this.git.branchHead(repo.gitDir, manifest.branch);
    if (!commit)
      return { ok: false, reason: `branch "${manifest.branch}" does not exist in repository "${manifest.repository}"` };
    const objects: K8sObject[] = [];
    for (const path of manifest.path) {
      const file = await this.git.readFile(repo.gitDir, commit, path);
      if (!file)
        return {
          ok: false,
          commit,
          reason: `manifest "${path}" not found in ${manifest.repository}@${manifest.branch} (${commit.slice(0, 7)})`,
        };
      const parsed = parseManifest(file.toString('utf8'), path);
      if ('error' in parsed) return { ok: false, commit, reason: parsed.error };
      objects.push(...parsed.objects);
    }
    const missing = objects.flatMap(imagesOf).find((image) => !this.imageAvailable(image));
    if (missing)
      return {
        ok: false,
        commit,
        reason: `image "${missing}" is not in the sandbox registry: the rollout would never become ready (ImagePullBackOff)`,
      };
    return { ok: true, commit, objects };
  }

  private imageAvailable(image: string): boolean {
    const ref = parseImageReference(image);
    if (!ref.host || !this.context.isSandboxRegistryHost(ref.host)) return true;
    return this.registry.manifest(ref.name, ref.reference) !== undefined;
  }
}
