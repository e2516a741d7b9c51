/** SourceDeploy shapes (docs/ncp.md, api §5, Go SDK models, Terraform provider, API docs). */
import type { DeployStatus } from './deploy-status';

export interface NamedRef {
  id: number;
  name: string;
}

export type StageType = 'Server' | 'AutoScalingGroup' | 'KubernetesService' | 'ObjectStorage';

/**
 * Stage target. For NKS the sources conflict (docs/ncp.md, api §5.2, 10): the Go SDK and Terraform send
 * `clusterUuid` (string), the API docs `clusterNo` (number, an id from `GET /kubernetes/cluster`).
 * The caller chooses; send exactly one of them.
 */
export interface StageConfig {
  serverNo?: number[];
  autoScalingGroupNo?: number;
  clusterUuid?: string;
  clusterNo?: number;
  bucketName?: string;
}

export interface CreateStageRequest {
  name: string;
  type: StageType;
  config: StageConfig;
}

export interface StageDetail {
  project?: NamedRef;
  id: number;
  name: string;
  type: StageType;
  config?: StageConfig & {
    serverName?: string[];
    autoScalingGroupName?: string;
    clusterName?: string;
  };
}

export type DeployStrategy = 'normal' | 'blueGreen' | 'rolling' | 'canary';

/** Kubernetes manifests read from a SourceCommit repository (required for KubernetesService). */
export interface ManifestSource {
  type: 'SourceCommit';
  /** Repository NAME. */
  repository: string;
  branch: string;
  path: string[];
}

export interface ScenarioConfig {
  strategy: DeployStrategy;
  manifest?: ManifestSource;
  /** Terraform always sends it, false by default (docs/ncp.md, api §5.3). */
  rollback?: boolean;
  /** Canary, Server/ASG/ObjectStorage-stage settings: passed through untyped. */
  canaryConfig?: Record<string, unknown>;
  file?: Record<string, unknown>;
  cmd?: Record<string, unknown>;
  loadBalancer?: Record<string, unknown>;
  path?: Array<{ sourcePath: string; deployPath: string }>;
  sequence?: boolean;
}

/** No top-level `type` or `env`: other shapes earned K-Le-PaaS `330900 unknown` (docs/ncp.md 9, row 11). */
export interface CreateScenarioRequest {
  name: string;
  description?: string;
  config: ScenarioConfig;
}

export interface UpdateScenarioRequest {
  description?: string;
  config?: ScenarioConfig;
}

export interface ScenarioDetail {
  project?: NamedRef;
  stage?: NamedRef;
  id: number;
  name: string;
  type?: StageType;
  description?: string;
  config?: ScenarioConfig;
}

/** A history id: a number in the docs and deploy answers, a string in the SDK's list model. */
export type DeployHistoryId = number | string;

export interface DeployHistorySummary {
  project?: NamedRef;
  stage?: NamedRef;
  scenario?: NamedRef;
  id: DeployHistoryId;
  startTime?: number;
  status: DeployStatus | string;
}

export interface DeployTarget {
  server?: { no?: number; name?: string };
  status?: string;
  time?: { pre?: number; deploy?: number; post?: number };
  step?: { pre?: string; deploy?: string; post?: string };
}

export interface DeployHistoryDetail {
  project?: NamedRef;
  stage?: NamedRef;
  scenario?: NamedRef;
  id: DeployHistoryId;
  status: DeployStatus | string;
  strategy?: DeployStrategy;
  executor?: string;
  startTime?: number;
  endTime?: number;
  type?: StageType;
  config?: Array<{ strategy?: string; file?: { file?: string; type?: string }; targets?: DeployTarget[] }>;
}

export interface PageQuery {
  pageNo?: number;
  pageSize?: number;
}
