import { NcpClientBase, type NcpClientOptions } from '../core/client-base';
import { ensureByName, type EnsureOptions } from '../core/ensure';
import { urlPath } from '../core/signed-api';
import { DEVTOOLS_API_PREFIX, NCP_DEFAULT_ENDPOINTS } from '../endpoints';
import type {
  CreateScenarioRequest,
  CreateStageRequest,
  DeployHistoryDetail,
  DeployHistoryId,
  DeployHistorySummary,
  NamedRef,
  PageQuery,
  ScenarioDetail,
  StageDetail,
  UpdateScenarioRequest,
} from './sourcedeploy.models';

/** SourceDeploy projects, stages, scenarios and deployments (docs/ncp.md, api §5). */
export class SourceDeployClient extends NcpClientBase {
  constructor(options: NcpClientOptions) {
    super('SourceDeploy', options, NCP_DEFAULT_ENDPOINTS.sourceDeploy, DEVTOOLS_API_PREFIX);
  }

  // --- projects

  /** `GET /project?pageNo&pageSize&projectName` */
  async listProjects(query: PageQuery & { projectName?: string } = {}): Promise<NamedRef[]> {
    return (await this.api.get<{ projectList?: NamedRef[] }>('/project', { ...query }))?.projectList ?? [];
  }

  async findProjectByName(name: string): Promise<NamedRef | undefined> {
    return (await this.listProjects({ projectName: name })).find((p) => p.name === name);
  }

  /** `POST /project` `{name}` → `{id, name}` */
  async createProject(name: string): Promise<NamedRef> {
    return this.created(await this.api.post<Partial<NamedRef>>('/project', { name }), name, '/project');
  }

  /** `DELETE /project/{id}` */
  async deleteProject(projectId: number): Promise<void> {
    await this.api.delete(urlPath`/project/${projectId}`);
  }

  ensureDeployProject(name: string, ensure?: EnsureOptions): Promise<number> {
    return this.ensure(
      `SourceDeploy project "${name}"`,
      '/project',
      () => this.findProjectByName(name),
      () => this.createProject(name),
      ensure,
    );
  }

  // --- stages

  /** `GET /project/{id}/stage?pageNo&pageSize&stageName` */
  async listStages(projectId: number, query: PageQuery & { stageName?: string } = {}): Promise<NamedRef[]> {
    const result = await this.api.get<{ stageList?: NamedRef[] }>(urlPath`/project/${projectId}/stage`, { ...query });
    return result?.stageList ?? [];
  }

  async findStageByName(projectId: number, name: string): Promise<NamedRef | undefined> {
    return (await this.listStages(projectId, { stageName: name })).find((s) => s.name === name);
  }

  /** `POST /project/{id}/stage`; see kubernetesStage() for an NKS stage body. */
  async createStage(projectId: number, request: CreateStageRequest): Promise<NamedRef> {
    const apiPath = urlPath`/project/${projectId}/stage`;
    return this.created(await this.api.post<Partial<NamedRef>>(apiPath, request), request.name, apiPath);
  }

  getStage(projectId: number, stageId: number): Promise<StageDetail> {
    return this.api.get<StageDetail>(urlPath`/project/${projectId}/stage/${stageId}`);
  }

  async updateStage(projectId: number, stageId: number, request: CreateStageRequest): Promise<void> {
    await this.api.patch(urlPath`/project/${projectId}/stage/${stageId}`, request);
  }

  async deleteStage(projectId: number, stageId: number): Promise<void> {
    await this.api.delete(urlPath`/project/${projectId}/stage/${stageId}`);
  }

  ensureStage(projectId: number, request: CreateStageRequest, ensure?: EnsureOptions): Promise<number> {
    return this.ensure(
      `SourceDeploy stage "${request.name}"`,
      urlPath`/project/${projectId}/stage`,
      () => this.findStageByName(projectId, request.name),
      () => this.createStage(projectId, request),
      ensure,
    );
  }

  // --- scenarios

  /** `GET /project/{pid}/stage/{sid}/scenario?pageNo&pageSize&scenarioName` */
  async listScenarios(
    projectId: number,
    stageId: number,
    query: PageQuery & { scenarioName?: string } = {},
  ): Promise<NamedRef[]> {
    const apiPath = urlPath`/project/${projectId}/stage/${stageId}/scenario`;
    return (await this.api.get<{ scenarioList?: NamedRef[] }>(apiPath, { ...query }))?.scenarioList ?? [];
  }

  async findScenarioByName(projectId: number, stageId: number, name: string): Promise<NamedRef | undefined> {
    return (await this.listScenarios(projectId, stageId, { scenarioName: name })).find((s) => s.name === name);
  }

  /** `POST /project/{pid}/stage/{sid}/scenario`; see kubernetesScenario() for an NKS body. */
  async createScenario(projectId: number, stageId: number, request: CreateScenarioRequest): Promise<NamedRef> {
    const apiPath = urlPath`/project/${projectId}/stage/${stageId}/scenario`;
    return this.created(await this.api.post<Partial<NamedRef>>(apiPath, request), request.name, apiPath);
  }

  getScenario(projectId: number, stageId: number, scenarioId: number): Promise<ScenarioDetail> {
    return this.api.get<ScenarioDetail>(urlPath`/project/${projectId}/stage/${stageId}/scenario/${scenarioId}`);
  }

  async updateScenario(
    projectId: number,
    stageId: number,
    scenarioId: number,
    request: UpdateScenarioRequest,
  ): Promise<void> {
    await this.api.patch(urlPath`/project/${projectId}/stage/${stageId}/scenario/${scenarioId}`, request);
  }

  async deleteScenario(projectId: number, stageId: number, scenarioId: number): Promise<void> {
    await this.api.delete(urlPath`/project/${projectId}/stage/${stageId}/scenario/${scenarioId}`);
  }

  ensureScenario(
    projectId: number,
    stageId: number,
    request: CreateScenarioRequest,
    ensure?: EnsureOptions,
  ): Promise<number> {
    return this.ensure(
      `SourceDeploy scenario "${request.name}"`,
      urlPath`/project/${projectId}/stage/${stageId}/scenario`,
      () => this.findScenarioByName(projectId, stageId, request.name),
      () => this.createScenario(projectId, stageId, request),
      ensure,
    );
  }

  // --- deployments

  /**
   * `POST /project/{pid}/stage/{sid}/scenario/{scid}/deploy`, no body → history id. Not retried
   * after a 5xx or a lost answer, which could deploy twice.
   */
  startDeploy(projectId: number, stageId: number, scenarioId: number): Promise<DeployHistoryId> {
    return this.deployCall(urlPath`/project/${projectId}/stage/${stageId}/scenario/${scenarioId}/deploy`);
  }

  /** `…/deploy/request`: asks for a deployment on an approval-gated stage. */
  requestDeploy(projectId: number, stageId: number, scenarioId: number): Promise<DeployHistoryId> {
    return this.deployCall(urlPath`/project/${projectId}/stage/${stageId}/scenario/${scenarioId}/deploy/request`);
  }

  /** `GET /project/{id}/history?pageNo&pageSize` (pageSize 1..100). */
  async listDeployHistory(projectId: number, query: PageQuery = {}): Promise<DeployHistorySummary[]> {
    const result = await this.api.get<{ historyList?: DeployHistorySummary[] }>(
      urlPath`/project/${projectId}/history`,
      { ...query },
    );
    return result?.historyList ?? [];
  }

  /** `GET /project/{id}/history/{historyId}` */
  getDeployHistory(projectId: number, historyId: DeployHistoryId): Promise<DeployHistoryDetail> {
    return this.api.get<DeployHistoryDetail>(urlPath`/project/${projectId}/history/${historyId}`);
  }

  /** `POST /project/{id}/history/{historyId}/cancel` */
  async cancelDeploy(projectId: number, historyId: DeployHistoryId): Promise<void> {
    await this.api.post(urlPath`/project/${projectId}/history/${historyId}/cancel`);
  }

  /**
   * `GET /kubernetes/cluster`: `id` is the number a `clusterNo` stage wants. NCP documents
   * `{id, name}`; a UUID is passed on when the answer carries one (`uuid` or `clusterUuid`).
   */
  async listClusters(): Promise<Array<NamedRef & { uuid?: string }>> {
    type Listed = NamedRef & { uuid?: unknown; clusterUuid?: unknown };
    const listed = (await this.api.get<{ clusterList?: Listed[] }>('/kubernetes/cluster'))?.clusterList ?? [];
    return listed.map(({ id, name, uuid, clusterUuid }) => {
      const found = typeof uuid === 'string' ? uuid : typeof clusterUuid === 'string' ? clusterUuid : undefined;
      return { id, name, ...(found ? { uuid: found } : {}) };
    });
  }

  // --- helpers

  private async deployCall(apiPath: string): Promise<DeployHistoryId> {
    const result = await this.api.post<{ historyId?: DeployHistoryId }>(apiPath, undefined, { idempotent: false });
    return this.api.expect(result?.historyId, 'result.historyId', 'POST', apiPath);
  }

  private created(result: Partial<NamedRef> | undefined, name: string, apiPath: string): NamedRef {
    return { id: this.api.expect(result?.id, 'result.id', 'POST', apiPath), name: result?.name ?? name };
  }

  private ensure(
    what: string,
    createPath: string,
    find: () => Promise<NamedRef | undefined>,
    create: () => Promise<NamedRef>,
    options?: EnsureOptions,
  ): Promise<number> {
    return ensureByName<number>({
      what,
      createCall: { service: this.api.service, method: 'POST', url: `${this.api.baseUrl}${createPath}` },
      find: async () => (await find())?.id,
      create: async () => (await create()).id,
      sleep: (ms) => this.http.sleep(ms),
      options,
    });
  }
}
