import { NcpClientBase, type NcpClientOptions } from '../core/client-base';
import { ensureByName, type EnsureOptions, type ReadBackOptions } from '../core/ensure';
import { urlPath } from '../core/signed-api';
import { DEVTOOLS_API_PREFIX, NCP_DEFAULT_ENDPOINTS } from '../endpoints';
import type {
  CreateSourceCommitRepositoryRequest,
  SourceCommitRepositoryDetail,
  SourceCommitRepositoryList,
  SourceCommitRepositorySummary,
  UpdateSourceCommitRepositoryRequest,
} from './sourcecommit.models';

export interface SourceCommitClientOptions extends NcpClientOptions {
  /** How long ensureRepository looks for a repository it just created (create returns no id). */
  readBack?: ReadBackOptions;
}

/** SourceCommit repositories (docs/ncp.md, api §3). */
export class SourceCommitClient extends NcpClientBase {
  private readonly readBack?: ReadBackOptions;

  constructor(options: SourceCommitClientOptions) {
    super('SourceCommit', options, NCP_DEFAULT_ENDPOINTS.sourceCommit, DEVTOOLS_API_PREFIX);
    this.readBack = options.readBack;
  }

  /** `GET /repository` */
  async listRepositories(): Promise<SourceCommitRepositorySummary[]> {
    const result = await this.api.get<SourceCommitRepositoryList>('/repository');
    return result?.repository ?? [];
  }

  /** `GET /repository/{name}`: the detail, including the clone URLs in `git.https` / `git.ssh`. */
  getRepository(name: string): Promise<SourceCommitRepositoryDetail> {
    return this.api.get<SourceCommitRepositoryDetail>(urlPath`/repository/${name}`);
  }

  /** `GET /repository/id/{id}` */
  getRepositoryById(id: number): Promise<SourceCommitRepositoryDetail> {
    return this.api.get<SourceCommitRepositoryDetail>(urlPath`/repository/id/${id}`);
  }

  /**
   * Finds a repository by exact name through the list, because the status of "not found" on
   * `GET /repository/{name}` is undocumented (docs/ncp.md, api §10) and a guess could turn an
   * auth failure into "missing".
   */
  async findRepository(name: string): Promise<SourceCommitRepositorySummary | undefined> {
    return (await this.listRepositories()).find((r) => r.name === name);
  }

  /** `POST /repository`. The answer is `true`, never an id (docs/ncp.md, api §3, seed vs reality 1). */
  async createRepository(request: CreateSourceCommitRepositoryRequest): Promise<void> {
    await this.api.post<boolean>('/repository', request);
  }

  /** `PATCH /repository/id/{id}` */
  async updateRepository(id: number, request: UpdateSourceCommitRepositoryRequest): Promise<void> {
    await this.api.patch<boolean>(urlPath`/repository/id/${id}`, request);
  }

  /** `DELETE /repository/id/{id}` */
  async deleteRepository(id: number): Promise<void> {
    await this.api.delete<boolean>(urlPath`/repository/id/${id}`);
  }

  /**
   * The id of the repository named `name`, creating it when missing. Create answers `true`, so
   * the id is read back by name, a few times if the new repository is not listed at once.
   */
  ensureRepository(
    name: string,
    options: Omit<CreateSourceCommitRepositoryRequest, 'name'> = {},
    ensure?: EnsureOptions,
  ): Promise<number> {
    return ensureByName<number>({
      what: `SourceCommit repository "${name}"`,
      createCall: { service: this.api.service, method: 'POST', url: `${this.api.baseUrl}/repository` },
      find: async () => (await this.findRepository(name))?.id,
      create: async () => {
        await this.createRepository({ ...options, name });
        return undefined;
      },
      sleep: (ms) => this.http.sleep(ms),
      readBack: this.readBack,
      options: ensure,
    });
  }
}
