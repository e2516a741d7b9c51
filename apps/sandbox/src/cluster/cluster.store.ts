import { Injectable } from '@nestjs/common';
import { ResetHooks } from '../common/reset-hooks';
import { K8sObject } from './manifest-objects';

export interface AppliedObject extends K8sObject {
  deployedAt: string;
  sourceDeployHistoryId: number;
  sourceDeployProjectId: number;
  /** Grows with every change of the object's spec (an apply, a patch), as metadata.generation does. */
  generation: number;
}

/**
 * What runs on the pretend NKS cluster after each successful deploy: the last applied version
 * of every object, by namespace, kind and name (an apply replaces, it never merges).
 */
@Injectable()
export class ClusterStore {
  private readonly objects = new Map<string, AppliedObject>();

  constructor(resetHooks: ResetHooks) {
    resetHooks.register(() => this.objects.clear());
  }

  apply(objects: K8sObject[], origin: { historyId: number; projectId: number }): void {
    const deployedAt = new Date().toISOString();
    for (const object of objects) {
      const key = `${object.namespace}/${object.kind}/${object.name}`;
      this.objects.set(key, {
        ...object,
        deployedAt,
        sourceDeployHistoryId: origin.historyId,
        sourceDeployProjectId: origin.projectId,
        generation: (this.objects.get(key)?.generation ?? 0) + 1,
      });
    }
  }

  /** Merges annotations into a Deployment's pod template (a rollout restart); false when there is none. */
  annotateTemplate(namespace: string, name: string, annotations: Record<string, string>): AppliedObject | undefined {
    const found = this.objects.get(`${namespace}/Deployment/${name}`);
    if (!found) return undefined;
    const spec = (found.body.spec ?? {}) as { template?: { metadata?: { annotations?: Record<string, string> } } };
    const template = spec.template ?? {};
    const metadata = template.metadata ?? {};
    const body = {
      ...found.body,
      spec: {
        ...spec,
        template: { ...template, metadata: { ...metadata, annotations: { ...metadata.annotations, ...annotations } } },
      },
    };
    const patched = { ...found, body, generation: found.generation + 1 };
    this.objects.set(`${namespace}/Deployment/${name}`, patched);
    return patched;
  }

  /** A deleted namespace takes everything in it along. */
  removeNamespace(namespace: string): void {
    for (const [key, object] of this.objects) if (object.namespace === namespace) this.objects.delete(key);
  }

  list(namespace?: string): AppliedObject[] {
    return [...this.objects.values()].filter((o) => namespace === undefined || o.namespace === namespace);
  }
}
