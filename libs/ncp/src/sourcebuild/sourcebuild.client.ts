import { NcpClientBase, type NcpClientOptions } from '../core/client-base';
import { ensureByName, type EnsureOptions } from '../core/ensure';
import { urlPath } from '../core/signed-api';
import { DEVTOOLS_API_PREFIX, NCP_DEFAULT_ENDPOINTS } from '../endpoints';
import { DOCKER_IMAGE_TAG_PATTERN, isValidDockerImageTag, withDockerImageTag } from './docker-image-tag';
import type {
  BuildHistoryItem,
  BuildHistoryList,
  BuildOs,
  BuildProjectDetail,
  BuildProjectList,
  BuildProjectRef,
  BuildProjectSummary,
  BuildRegistry,
  ComputeType,
  CreateBuildProjectRequest,
  NamedId,
  StartBuildResult,
  UpdateBuildProjectRequest,
} from './sourcebuild.models';

export interface ListBuildProjectsQuery {
  pageNo?: number;
  pageSize?: number;
  projectName?: string;
}

/** SourceBuild projects, builds and build environments (docs/ncp.md, api §4). */
export class SourceBuildClient extends NcpClientBase {
  constructor(options: NcpClientOptions) {
    super('SourceBuild', options, NCP_DEFAULT_ENDPOINTS.sourceBuild, DEVTOOLS_API_PREFIX);
  }

  /** `GET /project?pageNo&pageSize&projectName` */
  async listProjects(query: ListBuildProjectsQuery = {}): Promise<BuildProjectSummary[]> {
    const result = await this.api.get<BuildProjectList>('/project', { ...query });
    return result?.project ?? [];
  }

  /** Exact-name match over the `projectName` filter (which may match more than one name). */
  async findProjectByName(name: string): Promise<BuildProjectSummary | undefined> {
    return (await this.listProjects({ projectName: name })).find((p) => p.name === name);
  }

  /** `POST /project` → `{id, name}` */
  async createProject(request: CreateBuildProjectRequest): Promise<BuildProjectRef> {
    const result = await this.api.post<Partial<BuildProjectRef>>('/project', request);
    return { id: this.api.expect(result?.id, 'result.id', 'POST', '/project'), name: result?.name ?? request.name };
  }

  /** `GET /project/{id}` */
  getProject(projectId: number): Promise<BuildProjectDetail> {
    return this.api.get<BuildProjectDetail>(urlPath`/project/${projectId}`);
  }

  /** `PATCH /project/{id}` with any part of the create body except the name. */
  async updateProject(projectId: number, request: UpdateBuildProjectRequest): Promise<void> {
    await this.api.patch(urlPath`/project/${projectId}`, request);
  }

  /** `DELETE /project/{id}` */
  async deleteProject(projectId: number): Promise<void> {
    await this.api.delete(urlPath`/project/${projectId}`);
  }

  /** The id of the project named `request.name`, creating it when missing (no update when found). */
  ensureBuildProject(request: CreateBuildProjectRequest, ensure?: EnsureOptions): Promise<number> {
    return ensureByName<number>({
      what: `SourceBuild project "${request.name}"`,
      createCall: { service: this.api.service, method: 'POST', url: `${this.api.baseUrl}/project` },
      find: async () => (await this.findProjectByName(request.name))?.id,
      create: async () => (await this.createProject(request)).id,
      sleep: (ms) => this.http.sleep(ms),
      options: ensure,
    });
  }

  /**
   * Sets the image tag the next build pushes: `cmd.dockerbuild.tag`, PATCHed onto the project,
   * because the start-build call documents no body for overrides (docs/ncp.md, api §4.5, 10).
   */
  async setDockerImageTag(projectId: number, tag: string): Promise<void> {
    if (!isValidDockerImageTag(tag))
      throw new Error(`invalid docker image tag "${tag}": must match ${DOCKER_IMAGE_TAG_PATTERN}`);
    const project = await this.getProject(projectId);
    await this.updateProject(projectId, { cmd: withDockerImageTag(project.cmd, tag) });
  }

  /**
   * `POST /project/{id}/build` with no body. Only `buildId` is read: the docs answer
   * `{projectId, buildId}`, the SDK models `{id, buildId}` (docs/ncp.md, api §4.1). Not retried after a
   * 5xx or a lost answer, which could start a second build.
   */
  async startBuild(projectId: number): Promise<StartBuildResult> {
    const apiPath = urlPath`/project/${projectId}/build`;
    const result = await this.api.post<{ buildId?: string }>(apiPath, undefined, { idempotent: false });
    const buildId = this.api.expect(result?.buildId, 'result.buildId', 'POST', apiPath);
    return { buildId: String(buildId), projectId };
  }

  /** Sets the image tag, then starts the build: one run of the project per image (docs/ncp.md, api §4.5). */
  async startBuildWithImageTag(projectId: number, tag: string): Promise<StartBuildResult> {
    await this.setDockerImageTag(projectId, tag);
    return this.startBuild(projectId);
  }

  /** `DELETE /project/{id}/build` with `{buildId}`. */
  async cancelBuild(projectId: number, buildId: string): Promise<void> {
    await this.api.delete(urlPath`/project/${projectId}/build`, { buildId });
  }

  /**
   * `GET /project/{id}/history`: the only way to read a build's status, there being no
   * build-detail endpoint (docs/ncp.md seed vs reality 7).
   */
  async listBuildHistory(projectId: number): Promise<BuildHistoryItem[]> {
    const result = await this.api.get<BuildHistoryList>(urlPath`/project/${projectId}/history`);
    return result?.history ?? [];
  }

  async findBuild(projectId: number, buildId: string): Promise<BuildHistoryItem | undefined> {
    return (await this.listBuildHistory(projectId)).find((b) => String(b.buildId) === buildId);
  }

  /** `GET /env/compute` */
  async listComputeTypes(): Promise<ComputeType[]> {
    return (await this.api.get<{ compute?: ComputeType[] }>('/env/compute'))?.compute ?? [];
  }

  /** `GET /env/os` */
  async listOs(): Promise<BuildOs[]> {
    return (await this.api.get<{ os?: BuildOs[] }>('/env/os'))?.os ?? [];
  }

  /** `GET /env/os/{osId}/runtime` */
  async listRuntimes(osId: number): Promise<NamedId[]> {
    return (await this.api.get<{ runtime?: NamedId[] }>(urlPath`/env/os/${osId}/runtime`))?.runtime ?? [];
  }

  /** `GET /env/os/{osId}/runtime/{runtimeId}/version` */
  async listRuntimeVersions(osId: number, runtimeId: number): Promise<NamedId[]> {
    const apiPath = urlPath`/env/os/${osId}/runtime/${runtimeId}/version`;
    return (await this.api.get<{ version?: NamedId[] }>(apiPath))?.version ?? [];
  }

  /** `GET /env/docker`: docker engine versions for `env.docker.id`. */
  async listDockerEngines(): Promise<NamedId[]> {
    return (await this.api.get<{ docker?: NamedId[] }>('/env/docker'))?.docker ?? [];
  }

  /** `GET /containerregistry/registry`: names usable as `cmd.dockerbuild.registry`. */
  async listRegistries(): Promise<BuildRegistry[]> {
    return (await this.api.get<{ registry?: BuildRegistry[] }>('/containerregistry/registry'))?.registry ?? [];
  }
}
