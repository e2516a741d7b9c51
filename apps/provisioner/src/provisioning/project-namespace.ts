import { Inject, Injectable, Logger } from '@nestjs/common';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import {
  isConflict,
  isNotFound,
  isOurNamespace,
  KUBE_CLIENT,
  KubeClient,
  Namespace,
  namespaceLabels,
  projectRoleBinding,
  PULL_SECRET_NAME,
  Secret,
} from '@klepaas/kube';
import type { Project } from '../projects/project';

/** A namespace of that name exists and is not this project's: it is never adopted. */
export class NamespaceNotOursError extends Error {
  readonly code = 'namespace_not_ours';
}

/**
 * The project's namespace on the cluster, the RoleBinding that lets our service account work in it
 * (the per-project role), and its NCR pull secret `ncp-cr` (the manifests name it in
 * imagePullSecrets; SourceDeploy only applies what it is given). Only with a kubeconfig: without
 * one the operator creates the namespace and the secret by hand (docs/cluster.md). A namespace is
 * ours when its labels say managed-by klepaas and this project's id; any other namespace of that
 * name fails registration.
 */
@Injectable()
export class ProjectNamespace {
  private readonly log = new Logger(ProjectNamespace.name);
  private warnedFallback = false;

  constructor(
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
    @Inject(KUBE_CLIENT) private readonly kube: KubeClient | null,
  ) {}

  get enabled(): boolean {
    return this.kube !== null;
  }

  async ensure(project: Project): Promise<void> {
    if (!this.kube) return;
    const name = project.names.namespace;
    const existing = await this.find(name);
    if (existing) this.requireOurs(existing, project);
    else {
      try {
        await this.kube.createNamespace(name, namespaceLabels(project.id));
        this.log.log(`namespace ${name} created for ${project.owner}/${project.repo}`);
      } catch (error) {
        if (!isConflict(error)) throw error;
        // Created meanwhile (a redelivery, or someone else): ours only if its labels say so.
        this.requireOurs((await this.find(name))!, project);
      }
    }
    // The per-project role holds only where bound: the pull secret needs it (docs/cluster.md).
    await this.ensureRoleBinding(name);
    await this.ensurePullSecret(name);
  }

  /** Deletes the namespace when it is this project's; says what it did, for the unregistered event. */
  async remove(project: Project): Promise<{ removed?: string; kept?: string }> {
    if (!this.kube) {
      return {
        kept: `namespace ${project.names.namespace} and whatever was deployed in it (SourceDeploy cannot delete workloads)`,
      };
    }
    const name = project.names.namespace;
    const existing = await this.find(name);
    if (!existing) return {};
    if (!isOurNamespace(existing, project.id)) {
      this.log.warn(`namespace ${name} is not labelled as ${project.owner}/${project.repo}'s: left alone`);
      return { kept: `namespace ${name} (not labelled as this project's, so not deleted)` };
    }
    try {
      await this.kube.deleteNamespace(name, (existing.metadata as { uid?: string }).uid);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return { removed: `namespace ${name} and everything in it` };
  }

  private async find(name: string): Promise<Namespace | undefined> {
    try {
      return await this.kube!.getNamespace(name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private requireOurs(namespace: Namespace, project: Project): void {
    if (isOurNamespace(namespace, project.id)) return;
    throw new NamespaceNotOursError(
      `namespace ${namespace.metadata.name} already exists on the cluster and is not labelled as this project's ` +
        `(app.kubernetes.io/managed-by=klepaas, klepaas.io/project-id=${project.id}); it is never taken over: ` +
        'remove or rename it, then register again',
    );
  }

  /** Once per namespace; one already there (a retried registration) is the same binding. */
  private async ensureRoleBinding(namespace: string): Promise<void> {
    try {
      await this.kube!.createRoleBinding(namespace, projectRoleBinding(this.config.kubeServiceAccount));
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }

  /** Created, or brought up to date when the credential changed (a rotated password). */
  private async ensurePullSecret(namespace: string): Promise<void> {
    const wanted: Secret = {
      metadata: { name: PULL_SECRET_NAME, labels: { 'app.kubernetes.io/managed-by': 'klepaas' } },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(this.dockerConfig())).toString('base64') },
    };
    let current: Secret | undefined;
    try {
      current = await this.kube!.getSecret(namespace, PULL_SECRET_NAME);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!current) await this.kube!.createSecret(namespace, wanted);
    else if (current.data?.['.dockerconfigjson'] !== wanted.data!['.dockerconfigjson'])
      await this.kube!.replaceSecret(namespace, wanted);
  }

  private dockerConfig() {
    const host = registryHost(this.config.ncp.registry.url);
    if (!host)
      throw new Error(
        'no container registry URL is configured (KLEPAAS_NCP_CONTAINER_REGISTRY_URL) for the pull secret',
      );
    let { username, password } = this.config.ncrPull;
    if (!username || !password) {
      if (!this.warnedFallback) {
        this.log.warn(
          'KLEPAAS_NCR_PULL_USERNAME/_PASSWORD are not set: the pull secrets hold the NCP API key pair, which can do far more than pull (docs/cluster.md)',
        );
        this.warnedFallback = true;
      }
      username = this.config.ncp.accessKey;
      password = this.config.ncp.secretKey;
    }
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    return { auths: { [host]: { username, password, auth } } };
  }
}

function registryHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '') || undefined;
}
