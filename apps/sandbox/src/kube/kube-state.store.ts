import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ResetHooks } from '../common/reset-hooks';
import { grantsProjectRole, StoredRoleBinding } from './kube-rbac';

export interface StoredNamespace {
  name: string;
  uid: string;
  labels: Record<string, string>;
  creationTimestamp: string;
}

export interface StoredSecret {
  namespace: string;
  name: string;
  type: string;
  labels: Record<string, string>;
  data: Record<string, string>;
}

/**
 * What the Kubernetes API emulation keeps beside the cluster view (cluster.store.ts, what
 * SourceDeploy applied): namespaces, secrets and RoleBindings created through the API, and the
 * namespaces a test told never to become ready.
 */
@Injectable()
export class KubeStateStore {
  readonly namespaces = new Map<string, StoredNamespace>();
  readonly secrets = new Map<string, StoredSecret>();
  /** By `namespace/name`. */
  readonly roleBindings = new Map<string, StoredRoleBinding>();
  readonly neverReady = new Set<string>();

  constructor(resetHooks: ResetHooks) {
    resetHooks.register(() => {
      this.namespaces.clear();
      this.secrets.clear();
      this.roleBindings.clear();
      this.neverReady.clear();
    });
  }

  createNamespace(name: string, labels: Record<string, string>): StoredNamespace {
    const namespace = { name, uid: randomUUID(), labels, creationTimestamp: new Date().toISOString() };
    this.namespaces.set(name, namespace);
    return namespace;
  }

  deleteNamespace(name: string): void {
    this.namespaces.delete(name);
    for (const [key, secret] of this.secrets) if (secret.namespace === name) this.secrets.delete(key);
    for (const [key, binding] of this.roleBindings) if (binding.namespace === name) this.roleBindings.delete(key);
  }

  /** Whether the service account holds the per-project role in the namespace. */
  projectRoleBound(namespace: string): boolean {
    return [...this.roleBindings.values()].some((b) => b.namespace === namespace && grantsProjectRole(b));
  }
}
