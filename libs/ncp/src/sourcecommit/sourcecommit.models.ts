/** SourceCommit shapes (docs/ncp.md, api §3, from the Go SDK models). */

export interface SourceCommitRepositorySummary {
  id: number;
  name: string;
  permission?: string;
  actionName?: string;
}

export interface SourceCommitRepositoryList {
  total?: number;
  repository?: SourceCommitRepositorySummary[];
}

export interface SourceCommitRepositoryDetail {
  id: number;
  name: string;
  description?: string;
  created?: { timestamp?: number; user?: string };
  /** Clone URLs; `https` looks like `https://devtools.ncloud.com/{customerNo}/{repo}.git`. */
  git?: { https?: string; ssh?: string };
  linked?: { FileSafer?: boolean };
}

/** Name: letters, digits, `_`, `-`, 1-100 chars (docs/ncp.md, api §3). */
export interface CreateSourceCommitRepositoryRequest {
  name: string;
  description?: string;
  /** `ObjectStorage` exists on the public site only. */
  linked?: { FileSafer?: boolean; ObjectStorage?: boolean };
}

export interface UpdateSourceCommitRepositoryRequest {
  description?: string;
  linked?: { FileSafer?: boolean };
}

export const SOURCECOMMIT_REPOSITORY_NAME = /^[A-Za-z0-9_-]{1,100}$/;
