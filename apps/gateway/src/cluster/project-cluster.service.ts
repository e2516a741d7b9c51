import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  NotImplementedException,
} from '@nestjs/common';
import { isNotFound, KUBE_CLIENT, KubeApiError, KubeClient, NO_KUBECONFIG, Pod, rolloutState } from '@klepaas/kube';
import type { ProjectView } from '@klepaas/read-model';

/** Log lines one request may ask for, and the bytes it may carry back at most. */
export const MAX_LOG_LINES = 1000;
export const DEFAULT_LOG_LINES = 100;
export const MAX_LOG_BYTES = 256 * 1024;
/** Pods shown at most (a project runs at most 10 replicas; old ones may linger). */
const MAX_PODS = 100;
const POD_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface PodView {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  startedAt: string | null;
}

/**
 * What runs of a project on the cluster, for its owner: the Deployments' replicas, the pods, a
 * pod's last log lines, a rollout restart. Callers resolve the project owner-scoped first; the
 * namespace always comes from the project, never from the request. Without a kubeconfig every
 * call answers 501 with the reason.
 */
@Injectable()
export class ProjectCluster {
  constructor(@Inject(KUBE_CLIENT) private readonly kube: KubeClient | null) {}

  async live(project: ProjectView) {
    const { kube, namespace } = this.access(project);
    const [deployments, pods] = await Promise.all([
      this.ask(() => kube.listDeployments(namespace)),
      this.ask(() => kube.listPods(namespace)),
    ]);
    const states = deployments.map(rolloutState);
    return {
      projectId: project.id,
      namespace,
      desiredReplicas: sum(states.map((s) => s.desired)),
      readyReplicas: sum(states.map((s) => s.ready)),
      updatedReplicas: sum(states.map((s) => s.updated)),
      rolledOut: states.length > 0 && states.every((s) => s.done),
      deployments: states,
      pods: pods.slice(0, MAX_PODS).map(podView),
    };
  }

  async logs(project: ProjectView, pod: string, lines: string | undefined, container: string | undefined) {
    const { kube, namespace } = this.access(project);
    if (!POD_NAME.test(pod) || pod.length > 253) throw new BadRequestException('pod: not a pod name');
    if (container !== undefined && (!POD_NAME.test(container) || container.length > 63))
      throw new BadRequestException('container: not a container name');
    const tailLines = lines === undefined ? DEFAULT_LOG_LINES : Number(lines);
    if (!Number.isInteger(tailLines) || tailLines < 1 || tailLines > MAX_LOG_LINES)
      throw new BadRequestException(`lines: must be an integer from 1 to ${MAX_LOG_LINES}`);
    const text = await this.ask(
      () => kube.podLog(namespace, pod, { tailLines, limitBytes: MAX_LOG_BYTES, container }),
      `pod ${pod} not found in ${namespace}`,
    );
    const all = text.split('\n');
    if (all[all.length - 1] === '') all.pop();
    return { pod, namespace, lines: all, truncated: Buffer.byteLength(text) >= MAX_LOG_BYTES };
  }

  /** `kubectl rollout restart`: a new pod-template annotation makes every Deployment replace its pods. */
  async restart(project: ProjectView) {
    const { kube, namespace } = this.access(project);
    const deployments = await this.ask(() => kube.listDeployments(namespace));
    if (deployments.length === 0) throw new ConflictException(`nothing runs in ${namespace} yet: deploy first`);
    const at = new Date().toISOString();
    const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } };
    for (const d of deployments) await this.ask(() => kube.patchDeployment(namespace, d.metadata.name, patch));
    return { namespace, restartedAt: at, deployments: deployments.map((d) => d.metadata.name) };
  }

  /** Whether cluster calls can be made at all (the compat routes ask before anything else). */
  get enabled(): boolean {
    return this.kube !== null;
  }

  private access(project: ProjectView): { kube: KubeClient; namespace: string } {
    if (!this.kube) throw new NotImplementedException(NO_KUBECONFIG);
    if (!project.namespace || project.status !== 'ready')
      throw new ConflictException(`project ${project.id} is ${project.status}: it has nothing on the cluster to show`);
    return { kube: this.kube, namespace: project.namespace };
  }

  /** The cluster's 404 is the caller's 404; anything else it says is a bad gateway, not our 500. */
  private async ask<T>(call: () => Promise<T>, notFound?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (notFound && isNotFound(error)) throw new NotFoundException(notFound);
      const status = error instanceof KubeApiError ? ` (${error.status})` : '';
      throw new BadGatewayException(`the cluster did not answer as expected${status}`);
    }
  }
}

function podView(pod: Pod): PodView {
  const containers = pod.status?.containerStatuses ?? [];
  return {
    name: pod.metadata.name,
    phase: pod.status?.phase ?? 'Unknown',
    ready: containers.length > 0 && containers.every((c) => c.ready === true),
    restarts: sum(containers.map((c) => c.restartCount ?? 0)),
    startedAt: pod.status?.startTime ?? null,
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
