import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { ClusterStore } from '../cluster/cluster.store';
import { KubeError, kubeNotFound } from './kube-error';
import { forbidden, PROJECT_ROLE, projectRoleAllows, StoredRoleBinding } from './kube-rbac';
import { KubeStateStore, StoredNamespace, StoredSecret } from './kube-state.store';
import { KubeTokenGuard } from './kube-token.guard';
import { deploymentObject, podLogLines, podsOf } from './kube-workloads';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The small part of the Kubernetes API the services use (docs/sandbox.md): namespaces,
 * RoleBindings, secrets, Deployments (list, get, merge-patch of the pod template's annotations),
 * pods and their logs. Workloads are what SourceDeploy applied (the cluster view); namespaces,
 * RoleBindings and secrets are kept here. Every call needs the sandbox's service-account token,
 * and a call inside a namespace is refused (403) unless that namespace binds the per-project role
 * to it and the role allows the call, as the real cluster's RBAC would (kube-rbac.ts).
 */
@UseGuards(KubeTokenGuard)
@Controller('kube')
export class KubeApiController {
  constructor(
    private readonly state: KubeStateStore,
    private readonly cluster: ClusterStore,
  ) {}

  @Get('api/v1/namespaces/:ns')
  getNamespace(@Param('ns') ns: string) {
    const found = this.state.namespaces.get(ns);
    if (!found) throw kubeNotFound('namespaces', ns);
    return namespaceObject(found);
  }

  @Post('api/v1/namespaces')
  @HttpCode(201)
  createNamespace(@Body() body: any, @Query('dryRun') dryRun?: string) {
    const name = body?.metadata?.name;
    if (typeof name !== 'string' || !DNS_LABEL.test(name) || name.length > 63)
      throw new KubeError(
        422,
        'Invalid',
        `Namespace "${String(name)}" is invalid: metadata.name must be a DNS-1123 label`,
      );
    if (this.state.namespaces.has(name))
      throw new KubeError(409, 'AlreadyExists', `namespaces "${name}" already exists`);
    const labels = stringMap(body.metadata.labels);
    if (dryRun === 'All')
      return namespaceObject({ name, uid: '', labels, creationTimestamp: new Date().toISOString() });
    return namespaceObject(this.state.createNamespace(name, labels));
  }

  @Delete('api/v1/namespaces/:ns')
  deleteNamespace(@Param('ns') ns: string, @Body() body: any) {
    const found = this.state.namespaces.get(ns);
    if (!found) throw kubeNotFound('namespaces', ns);
    const uid = body?.preconditions?.uid;
    if (uid && uid !== found.uid)
      throw new KubeError(
        409,
        'Conflict',
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${found.uid}`,
      );
    this.state.deleteNamespace(ns);
    this.cluster.removeNamespace(ns);
    return { ...namespaceObject(found), status: { phase: 'Terminating' } };
  }

  /**
   * Who may create a RoleBinding: the real API server lets it through when the caller holds the
   * role's permissions or may `bind` it; the sandbox's account may bind only `klepaas-project`.
   */
  @Post('apis/rbac.authorization.k8s.io/v1/namespaces/:ns/rolebindings')
  @HttpCode(201)
  createRoleBinding(@Param('ns') ns: string, @Body() body: any, @Query('dryRun') dryRun?: string) {
    this.requireNamespace(ns);
    const binding = readRoleBinding(ns, body);
    if (binding.roleRef.kind !== 'ClusterRole' || binding.roleRef.name !== PROJECT_ROLE)
      throw new KubeError(
        403,
        'Forbidden',
        `rolebindings.rbac.authorization.k8s.io "${binding.name}" is forbidden: user is attempting to grant RBAC permissions not currently held`,
      );
    if (this.state.roleBindings.has(`${ns}/${binding.name}`))
      throw new KubeError(
        409,
        'AlreadyExists',
        `rolebindings.rbac.authorization.k8s.io "${binding.name}" already exists`,
      );
    if (dryRun !== 'All') this.state.roleBindings.set(`${ns}/${binding.name}`, binding);
    return roleBindingObject(binding);
  }

  @Get('api/v1/namespaces/:ns/secrets/:name')
  getSecret(@Param('ns') ns: string, @Param('name') name: string) {
    this.authorize(ns, 'get', '', 'secrets', name);
    const found = this.state.secrets.get(`${ns}/${name}`);
    if (!found) throw kubeNotFound('secrets', name);
    return secretObject(found);
  }

  @Post('api/v1/namespaces/:ns/secrets')
  @HttpCode(201)
  createSecret(@Param('ns') ns: string, @Body() body: any, @Query('dryRun') dryRun?: string) {
    this.authorize(ns, 'create', '', 'secrets');
    this.requireNamespace(ns);
    const secret = readSecret(ns, body);
    if (this.state.secrets.has(`${ns}/${secret.name}`))
      throw new KubeError(409, 'AlreadyExists', `secrets "${secret.name}" already exists`);
    if (dryRun !== 'All') this.state.secrets.set(`${ns}/${secret.name}`, secret);
    return secretObject(secret);
  }

  @Put('api/v1/namespaces/:ns/secrets/:name')
  replaceSecret(@Param('ns') ns: string, @Param('name') name: string, @Body() body: any) {
    this.authorize(ns, 'update', '', 'secrets', name);
    if (!this.state.secrets.has(`${ns}/${name}`)) throw kubeNotFound('secrets', name);
    const secret = readSecret(ns, body);
    if (secret.name !== name) throw new KubeError(400, 'BadRequest', 'the name of the object does not match the URL');
    this.state.secrets.set(`${ns}/${name}`, secret);
    return secretObject(secret);
  }

  @Get('apis/apps/v1/namespaces/:ns/deployments')
  listDeployments(@Param('ns') ns: string) {
    this.authorize(ns, 'list', 'apps', 'deployments');
    return { kind: 'DeploymentList', apiVersion: 'apps/v1', items: this.deployments(ns).map((d) => this.view(d)) };
  }

  @Get('apis/apps/v1/namespaces/:ns/deployments/:name')
  getDeployment(@Param('ns') ns: string, @Param('name') name: string) {
    this.authorize(ns, 'get', 'apps', 'deployments', name);
    return this.view(this.deployment(ns, name));
  }

  /** Only what a rollout restart sends: annotations of the pod template. */
  @Patch('apis/apps/v1/namespaces/:ns/deployments/:name')
  patchDeployment(@Param('ns') ns: string, @Param('name') name: string, @Body() body: any) {
    this.authorize(ns, 'patch', 'apps', 'deployments', name);
    this.deployment(ns, name);
    const annotations = body?.spec?.template?.metadata?.annotations;
    const onlyAnnotations = body && Object.keys(body).join() === 'spec' && Object.keys(body.spec).join() === 'template';
    if (!onlyAnnotations || !annotations || typeof annotations !== 'object')
      throw new KubeError(422, 'Invalid', 'the sandbox patches only spec.template.metadata.annotations');
    return this.view(this.cluster.annotateTemplate(ns, name, stringMap(annotations))!);
  }

  @Get('api/v1/namespaces/:ns/pods')
  listPods(@Param('ns') ns: string) {
    this.authorize(ns, 'list', '', 'pods');
    return { kind: 'PodList', apiVersion: 'v1', items: this.pods(ns) };
  }

  @Get('api/v1/namespaces/:ns/pods/:pod')
  getPod(@Param('ns') ns: string, @Param('pod') pod: string) {
    this.authorize(ns, 'get', '', 'pods', pod);
    return this.pod(ns, pod);
  }

  @Get('api/v1/namespaces/:ns/pods/:pod/log')
  podLog(
    @Param('ns') ns: string,
    @Param('pod') podName: string,
    @Res() res: Response,
    @Query('tailLines') tailLines?: string,
    @Query('limitBytes') limitBytes?: string,
    @Query('container') container?: string,
  ) {
    this.authorize(ns, 'get', '', 'pods/log', podName);
    const pod = this.pod(ns, podName);
    const names = pod.spec.containers.map((c) => c.name);
    const chosen = container ?? (names.length === 1 ? names[0] : undefined);
    if (!chosen || !names.includes(chosen))
      throw new KubeError(
        400,
        'BadRequest',
        `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`,
      );
    let lines = podLogLines(podName, chosen, pod.status.startTime);
    const tail = positive(tailLines);
    if (tail !== undefined) lines = lines.slice(-tail);
    let text = lines.map((l) => `${l}\n`).join('');
    const limit = positive(limitBytes);
    if (limit !== undefined) text = Buffer.from(text).subarray(0, limit).toString('utf8');
    res.type('text/plain').send(text);
  }

  /** RBAC comes before everything else, as on the API server: a refused call learns nothing. */
  private authorize(ns: string, verb: string, apiGroup: string, resource: string, name?: string): void {
    if (!projectRoleAllows(this.state.projectRoleBound(ns), verb, apiGroup, resource, name))
      throw forbidden(verb, apiGroup, resource, ns, name);
  }

  /** `default` exists on every cluster (the preflight's dry runs use it); others once created. */
  private requireNamespace(ns: string): void {
    if (ns !== 'default' && !this.state.namespaces.has(ns)) throw kubeNotFound('namespaces', ns);
  }

  private deployments(ns: string) {
    return this.cluster.list(ns).filter((o) => o.kind === 'Deployment');
  }

  private deployment(ns: string, name: string) {
    const found = this.deployments(ns).find((d) => d.name === name);
    if (!found) throw kubeNotFound('deployments.apps', name);
    return found;
  }

  private view(o: Parameters<typeof deploymentObject>[0]) {
    return deploymentObject(o, this.state.neverReady.has(o.namespace));
  }

  private pods(ns: string) {
    return this.deployments(ns).flatMap((d) => podsOf(d, this.state.neverReady.has(ns)));
  }

  private pod(ns: string, name: string) {
    const found = this.pods(ns).find((p) => p.metadata.name === name);
    if (!found) throw kubeNotFound('pods', name);
    return found;
  }
}

function namespaceObject(n: StoredNamespace) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: n.name, uid: n.uid, labels: n.labels, creationTimestamp: n.creationTimestamp },
    status: { phase: 'Active' },
  };
}

function secretObject(s: StoredSecret) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels },
    type: s.type,
    data: s.data,
  };
}

function roleBindingObject(b: StoredRoleBinding) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: b.name, namespace: b.namespace, labels: b.labels },
    roleRef: b.roleRef,
    subjects: b.subjects,
  };
}

function readRoleBinding(ns: string, body: any): StoredRoleBinding {
  const name = body?.metadata?.name;
  const roleRef = body?.roleRef;
  const invalid = (why: string) => new KubeError(422, 'Invalid', `RoleBinding is invalid: ${why}`);
  if (typeof name !== 'string' || !name) throw invalid('metadata.name is required');
  if (!roleRef || typeof roleRef.kind !== 'string' || typeof roleRef.name !== 'string' || !roleRef.name)
    throw invalid('roleRef.kind and roleRef.name are required');
  if (roleRef.apiGroup !== 'rbac.authorization.k8s.io')
    throw invalid('roleRef.apiGroup: Unsupported value: only rbac.authorization.k8s.io');
  const subjects = Array.isArray(body.subjects) ? body.subjects : [];
  for (const s of subjects)
    if (!s || typeof s.kind !== 'string' || typeof s.name !== 'string' || !s.name)
      throw invalid('subjects[].kind and subjects[].name are required');
  return {
    namespace: ns,
    name,
    roleRef: { apiGroup: roleRef.apiGroup, kind: roleRef.kind, name: roleRef.name },
    subjects: subjects.map((s: any) => ({
      kind: s.kind,
      name: s.name,
      ...(typeof s.namespace === 'string' ? { namespace: s.namespace } : {}),
    })),
    labels: stringMap(body.metadata.labels),
  };
}

function readSecret(ns: string, body: any): StoredSecret {
  const name = body?.metadata?.name;
  if (typeof name !== 'string' || !name)
    throw new KubeError(422, 'Invalid', 'Secret is invalid: metadata.name is required');
  const data = stringMap(body.data);
  for (const value of Object.values(data))
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new KubeError(400, 'BadRequest', 'Secret data must be base64');
  return { namespace: ns, name, type: String(body.type ?? 'Opaque'), labels: stringMap(body.metadata.labels), data };
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function positive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new KubeError(400, 'BadRequest', 'must be a non-negative integer');
  return n;
}
