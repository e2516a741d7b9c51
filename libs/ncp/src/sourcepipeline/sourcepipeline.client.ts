import { NcpClientBase, type NcpClientOptions } from '../core/client-base';
import { ensureByName, type EnsureOptions } from '../core/ensure';
import { urlPath } from '../core/signed-api';
import { DEVTOOLS_API_PREFIX, NCP_DEFAULT_ENDPOINTS } from '../endpoints';
import type {
  CreatePipelineRequest,
  PipelineDetail,
  PipelineHistoryDetail,
  PipelineHistorySummary,
  PipelineSummary,
  UpdatePipelineRequest,
} from './sourcepipeline.models';

/** SourcePipeline projects and runs (docs/ncp.md, api §6). */
export class SourcePipelineClient extends NcpClientBase {
  constructor(options: NcpClientOptions) {
    super('SourcePipeline', options, NCP_DEFAULT_ENDPOINTS.sourcePipeline, DEVTOOLS_API_PREFIX);
  }

  /** `GET /project` (no filter or paging documented). */
  async listPipelines(): Promise<PipelineSummary[]> {
    return (await this.api.get<{ projectList?: PipelineSummary[] }>('/project'))?.projectList ?? [];
  }

  async findPipelineByName(name: string): Promise<PipelineSummary | undefined> {
    return (await this.listPipelines()).find((p) => p.name === name);
  }

  /** `POST /project` → `{projectId}` (not `id`: docs/ncp.md 9, row 4). `trigger` defaults to `{}`. */
  async createPipeline(request: CreatePipelineRequest): Promise<number> {
    const result = await this.api.post<{ projectId?: number }>('/project', {
      ...request,
      trigger: request.trigger ?? {},
    });
    return this.api.expect(result?.projectId, 'result.projectId', 'POST', '/project');
  }

  /** `GET /project/{id}` */
  getPipeline(pipelineId: number): Promise<PipelineDetail> {
    return this.api.get<PipelineDetail>(urlPath`/project/${pipelineId}`);
  }

  /** `PATCH /project/{id}`: `tasks` is required, the whole list. */
  async updatePipeline(pipelineId: number, request: UpdatePipelineRequest): Promise<void> {
    await this.api.patch(urlPath`/project/${pipelineId}`, { ...request, trigger: request.trigger ?? {} });
  }

  /** `DELETE /project/{id}` */
  async deletePipeline(pipelineId: number): Promise<void> {
    await this.api.delete(urlPath`/project/${pipelineId}`);
  }

  /** The id of the pipeline named `request.name`, creating it when missing (no update when found). */
  ensurePipeline(request: CreatePipelineRequest, ensure?: EnsureOptions): Promise<number> {
    return ensureByName<number>({
      what: `SourcePipeline "${request.name}"`,
      createCall: { service: this.api.service, method: 'POST', url: `${this.api.baseUrl}/project` },
      find: async () => (await this.findPipelineByName(request.name))?.id,
      create: () => this.createPipeline(request),
      sleep: (ms) => this.http.sleep(ms),
      options: ensure,
    });
  }

  /** `POST /project/{id}/do`, no body → history id. Not retried after a 5xx or a lost answer. */
  async runPipeline(pipelineId: number): Promise<number> {
    const apiPath = urlPath`/project/${pipelineId}/do`;
    const result = await this.api.post<{ historyId?: number }>(apiPath, undefined, { idempotent: false });
    return this.api.expect(result?.historyId, 'result.historyId', 'POST', apiPath);
  }

  /** `GET /project/{id}/history`: both `pageNo` and `pageSize`, or neither (the whole list). */
  async listPipelineHistory(
    pipelineId: number,
    page?: { pageNo: number; pageSize: number },
  ): Promise<PipelineHistorySummary[]> {
    const result = await this.api.get<{ historyList?: PipelineHistorySummary[] }>(
      urlPath`/project/${pipelineId}/history`,
      { ...page },
    );
    return result?.historyList ?? [];
  }

  /**
   * `GET /project/{id}/history/{historyId}`. The docs show `history` as an object, the Go SDK as
   * an array (docs/ncp.md, api §6.1): both are accepted, an array by picking the matching id.
   */
  async getPipelineHistory(pipelineId: number, historyId: number): Promise<PipelineHistoryDetail> {
    const apiPath = urlPath`/project/${pipelineId}/history/${historyId}`;
    const result = await this.api.get<{ history?: PipelineHistoryDetail | PipelineHistoryDetail[] }>(apiPath);
    const history = result?.history;
    const detail = Array.isArray(history)
      ? (history.find((h) => String(h.id) === String(historyId)) ?? history[0])
      : history;
    const found = this.api.expect(detail, 'result.history', 'GET', apiPath);
    return { ...found, tasks: found.tasks ?? [] };
  }

  /** `POST /project/{id}/history/{historyId}/cancel` */
  async cancelPipelineRun(pipelineId: number, historyId: number): Promise<void> {
    await this.api.post(urlPath`/project/${pipelineId}/history/${historyId}/cancel`);
  }
}
