import { createHash } from 'node:crypto';
import type { AppliedObject } from '../cluster/cluster.store';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

interface DeploymentBody {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    template?: {
      metadata?: { annotations?: Record<string, string> };
      spec?: { containers?: { name: string; image?: string }[] };
    };
  };
}

/**
 * A Deployment as the API server shows it, with the status its controller would reach: every
 * replica ready at once, or none (a namespace a test marked never-ready: its pods stay Pending).
 */
export function deploymentObject(o: AppliedObject, neverReady: boolean) {
  const body = o.body as DeploymentBody;
  const replicas = body.spec?.replicas ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      generation: o.generation,
      labels: body.metadata?.labels ?? {},
      annotations: body.metadata?.annotations ?? {},
    },
    spec: { ...body.spec, replicas },
    status: {
      observedGeneration: o.generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: neverReady ? 0 : replicas,
      availableReplicas: neverReady ? 0 : replicas,
      unavailableReplicas: neverReady ? replicas : 0,
    },
  };
}

/** The pods of a Deployment: one per replica, named after its pod template as ReplicaSets name them. */
export function podsOf(o: AppliedObject, neverReady: boolean) {
  const body = o.body as DeploymentBody;
  const template = body.spec?.template ?? {};
  const hash = shortHash(JSON.stringify(template) + o.sourceDeployHistoryId, 10);
  const startTime = template.metadata?.annotations?.[RESTARTED_AT] ?? o.deployedAt;
  const containers = template.spec?.containers ?? [];
  return Array.from({ length: body.spec?.replicas ?? 1 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${o.name}-${hash}-${shortHash(`${hash}/${i}`, 5)}`,
      namespace: o.namespace,
      labels: { app: o.name, 'pod-template-hash': hash },
    },
    spec: { containers: containers.map((c) => ({ name: c.name, image: c.image })) },
    status: {
      phase: neverReady ? 'Pending' : 'Running',
      startTime,
      containerStatuses: containers.map((c) => ({ name: c.name, ready: !neverReady, restartCount: 0, image: c.image })),
    },
  }));
}

/** The lines a sandbox pod "printed": a fixed 200, so a test can see the tail and the byte cap work. */
export function podLogLines(podName: string, container: string, startTime: string): string[] {
  return Array.from({ length: 200 }, (_, i) => `${startTime} ${container} ${podName} line ${i + 1}: serving`);
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
