/** SourcePipeline shapes (docs/ncp.md, api §6, Go SDK models, Terraform provider, API docs). */

export type PipelineTaskType = 'SourceBuild' | 'SourceDeploy';

export interface PipelineTaskConfig {
  projectId: number;
  /** Required for SourceDeploy tasks. */
  stageId?: number;
  scenarioId?: number;
  /** For SourceBuild tasks: a branch override. */
  target?: { info?: { branch?: string } };
}

export interface PipelineTask {
  /** 1-50 chars, `[A-Za-z0-9_-]`. */
  name: string;
  type: PipelineTaskType;
  config: PipelineTaskConfig;
  /** Names of the tasks that must finish first; `[]` for the first task. */
  linkedTasks: string[];
}

export interface PipelineTrigger {
  repository?: Array<{ type: 'sourcecommit'; name: string; branch: string }>;
  schedule?: Array<{ day: string[]; time: string; timeZone: string; scheduleOnlyWithChange: boolean }>;
  sourcepipeline?: Array<{ id: number }>;
}

export interface CreatePipelineRequest {
  /** 1-30 chars, `[A-Za-z0-9_-]`. */
  name: string;
  description?: string;
  tasks: PipelineTask[];
  /** `{}` when none, as Terraform sends (docs/ncp.md 9, row 15). */
  trigger?: PipelineTrigger;
}

export interface UpdatePipelineRequest {
  description?: string;
  tasks: PipelineTask[];
  trigger?: PipelineTrigger;
}

export interface PipelineSummary {
  id: number;
  name: string;
}

export interface PipelineDetail {
  id: number;
  name: string;
  description?: string;
  tasks?: Array<
    Omit<PipelineTask, 'config'> & {
      id?: number;
      config: PipelineTaskConfig & {
        target?: { type?: string; info?: Record<string, unknown> };
      };
    }
  >;
  trigger?: PipelineTrigger;
}

/** Pipeline and task statuses are not enumerated in any source (docs/ncp.md, api §6.3): plain strings. */
export type PipelineStatus = string;

export interface PipelineHistorySummary {
  projectId: number;
  id: number;
  requestType?: 'console' | 'trigger' | string;
  requestId?: string;
  begin?: number;
  end?: number;
  status: PipelineStatus;
}

export interface PipelineHistoryTask {
  id?: number;
  name: string;
  type: PipelineTaskType;
  linkedTasks?: string[];
  status?: PipelineStatus;
  /** The child job's id: SourceBuild `buildId` or SourceDeploy history id. */
  resultId?: string | number;
  config?: PipelineTaskConfig & { target?: { type?: string; info?: { repository?: string; branch?: string } } };
}

export interface PipelineHistoryDetail {
  id: number;
  projectId?: number;
  begin?: number;
  end?: number;
  status: PipelineStatus;
  tasks: PipelineHistoryTask[];
}
