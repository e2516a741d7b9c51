import { randomBytes } from 'node:crypto';
import type { RunningSandbox } from '../../src/start-sandbox';
import { GitAuth, pushFiles } from './git';
import { NcpTestClient } from './ncp-test-client';

export const unique = (prefix: string): string => `${prefix}-${randomBytes(3).toString('hex')}`;

export const DOCKERFILE = 'FROM scratch\nCOPY app /app\nCMD ["/app"]\n';

export function deploymentYaml(name: string, image: string, replicas = 2, namespace = 'team-a'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{ containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
}

/** The NCP client and git account of a sandbox started with the default dev credentials. */
export function clientsFor(sandbox: RunningSandbox): { ncp: NcpTestClient; gitAuth: GitAuth } {
  return {
    ncp: new NcpTestClient(sandbox.url, sandbox.options.ncpAccessKey, sandbox.options.ncpSecretKey),
    gitAuth: { username: sandbox.options.sourceCommitUsername, password: sandbox.options.sourceCommitPassword },
  };
}

export const SC = '/ncp/sourcecommit/api/v1';
export const SB = '/ncp/sourcebuild/api/v1';
export const SD = '/ncp/sourcedeploy/api/v1';
export const SP = '/ncp/sourcepipeline/api/v1';

/** Creates a SourceCommit repository, pushes `files` to main, returns its name, clone URL and head. */
export async function repositoryWith(
  sandbox: RunningSandbox,
  files: Record<string, string>,
): Promise<{ name: string; url: string; head: string }> {
  const { ncp, gitAuth } = clientsFor(sandbox);
  const name = unique('repo');
  await ncp.ok('POST', `${SC}/repository`, { name });
  const detail = await ncp.ok('GET', `${SC}/repository/${name}`);
  const head = await pushFiles(detail.git.https, gitAuth, 'main', files);
  return { name, url: detail.git.https, head };
}

/** A valid SourceBuild CreateProject body that builds `image:tag` from the repository's Dockerfile. */
export function buildProjectBody(
  sandbox: RunningSandbox,
  repository: string,
  image: string,
  tag = 'v1',
  extra: Record<string, unknown> = {},
) {
  return {
    name: unique('build'),
    source: { type: 'SourceCommit', config: { repository, branch: 'main' } },
    env: {
      compute: { id: 1 },
      platform: { type: 'SourceBuild', config: { os: { id: 1 }, runtime: { id: 1, version: { id: 1 } } } },
      docker: { use: true, id: 1 },
    },
    cmd: {
      pre: [],
      build: [],
      post: [],
      dockerbuild: {
        use: true,
        dockerfile: 'Dockerfile',
        registry: sandbox.options.registryName,
        image,
        tag,
        latest: true,
      },
    },
    ...extra,
  };
}

export async function createBuildProject(
  sandbox: RunningSandbox,
  repository: string,
  image: string,
  tag = 'v1',
): Promise<{ id: number; name: string }> {
  return clientsFor(sandbox).ncp.ok('POST', `${SB}/project`, buildProjectBody(sandbox, repository, image, tag));
}

/** SourceDeploy project + KubernetesService stage + scenario reading `paths` of the repository's main branch. */
export async function createDeployTarget(sandbox: RunningSandbox, repository: string, paths = ['k8s/deployment.yaml']) {
  const { ncp } = clientsFor(sandbox);
  const project = await ncp.ok('POST', `${SD}/project`, { name: unique('deploy') });
  const stage = await ncp.ok('POST', `${SD}/project/${project.id}/stage`, {
    name: 'production',
    type: 'KubernetesService',
    config: { clusterUuid: sandbox.options.nksClusterUuid },
  });
  const scenario = await ncp.ok('POST', `${SD}/project/${project.id}/stage/${stage.id}/scenario`, {
    name: 'rollout',
    config: {
      strategy: 'normal',
      manifest: { type: 'SourceCommit', repository, branch: 'main', path: paths },
      rollback: false,
    },
  });
  return {
    projectId: project.id as number,
    projectName: project.name as string,
    stageId: stage.id as number,
    scenarioId: scenario.id as number,
  };
}

/** Sandbox-only routes (no signature). */
export async function sandboxCall<T = any>(
  sandbox: RunningSandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? safeJson(text) : undefined };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
