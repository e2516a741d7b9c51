import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { AppliedObject, ClusterStore } from './cluster.store';

/**
 * Sandbox-only view of what runs on the cluster, for tests and the demo: Deployments with
 * their images and replicas, Services, and every applied object.
 */
@Controller('_sandbox/cluster')
export class ClusterController {
  constructor(private readonly cluster: ClusterStore) {}

  @Get()
  all() {
    return view(this.cluster.list());
  }

  @Get(':namespace')
  namespace(@Param('namespace') namespace: string) {
    return view(this.cluster.list(namespace));
  }

  @Get(':namespace/deployments/:name')
  deployment(@Param('namespace') namespace: string, @Param('name') name: string) {
    const found = this.cluster.list(namespace).find((o) => o.kind === 'Deployment' && o.name === name);
    if (!found) throw new NotFoundException(`no Deployment ${namespace}/${name}`);
    return deploymentView(found);
  }
}

function view(objects: AppliedObject[]) {
  return {
    namespaces: [...new Set(objects.map((o) => o.namespace))].sort(),
    deployments: objects.filter((o) => o.kind === 'Deployment').map(deploymentView),
    services: objects.filter((o) => o.kind === 'Service').map(serviceView),
    objects: objects.map(({ namespace, kind, apiVersion, name, deployedAt, sourceDeployHistoryId }) => ({
      namespace,
      kind,
      apiVersion,
      name,
      deployedAt,
      sourceDeployHistoryId,
    })),
  };
}

function deploymentView(o: AppliedObject) {
  const spec = o.body.spec as {
    replicas?: number;
    template: { spec: { containers: { name: string; image: string }[] } };
  };
  return {
    namespace: o.namespace,
    name: o.name,
    containers: spec.template.spec.containers.map(({ name, image }) => ({ name, image })),
    replicas: spec.replicas ?? 1,
    deployedAt: o.deployedAt,
    sourceDeployHistoryId: o.sourceDeployHistoryId,
    sourceDeployProjectId: o.sourceDeployProjectId,
  };
}

function serviceView(o: AppliedObject) {
  const spec = (o.body.spec ?? {}) as { type?: string; ports?: unknown[]; selector?: Record<string, string> };
  return {
    namespace: o.namespace,
    name: o.name,
    type: spec.type ?? 'ClusterIP',
    ports: spec.ports ?? [],
    selector: spec.selector ?? {},
    deployedAt: o.deployedAt,
    sourceDeployHistoryId: o.sourceDeployHistoryId,
  };
}
