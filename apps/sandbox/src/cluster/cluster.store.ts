import { Injectable } from '@nestjs/common';
import { ResetHooks } from '../common/reset-hooks';
import { K8sObject } from './manifest-objects';

export interface AppliedObject extends K8sObject {
  deployedAt: string;
  sourceDeployHistoryId: number;
  sourceDeployProjectId: number;
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
      this.objects.set(`${object.namespace}/${object.kind}/${object.name}`, {
        ...object,
        deployedAt,
        sourceDeployHistoryId: origin.historyId,
        sourceDeployProjectId: origin.projectId,
      });
    }
  }

  list(namespace?: string): AppliedObject[] {
    return [...this.objects.values()].filter((o) => namespace === undefined || o.namespace === namespace);
  }
}
