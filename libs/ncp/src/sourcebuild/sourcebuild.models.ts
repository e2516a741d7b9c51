/** SourceBuild shapes (docs/ncp.md, api §4, from the Go SDK models and the Terraform provider). */
import type { BuildFailedPhase, BuildStatus } from './build-status';

export interface IdRef {
  id: number;
}

export interface BuildProjectSummary {
  id: number;
  name: string;
  permission?: string;
  actionName?: string;
}

export interface BuildProjectList {
  total?: number;
  project?: BuildProjectSummary[];
}

export interface BuildProjectRef {
  id: number;
  name: string;
}

export type BuildPlatformType = 'SourceBuild' | 'ContainerRegistry' | 'PublicRegistry';

export interface BuildPlatformConfig {
  /** For platform type `SourceBuild`. */
  os?: { id?: number };
  runtime?: { id?: number; version?: { id?: number } };
  /** For `ContainerRegistry` / `PublicRegistry` build images. */
  registry?: string;
  image?: string;
  tag?: string;
}

/**
 * `cmd.dockerbuild`: builds the app image from a Dockerfile and pushes it to NCR. `registry` is the
 * registry NAME, not its host (docs/ncp.md, api §4.2). The tag is patched before each build (4.5).
 */
export interface DockerBuildConfig {
  use: boolean;
  dockerfile?: string;
  registry?: string;
  image?: string;
  tag?: string;
  latest?: boolean;
}

export interface BuildCommands {
  /** pre, build and post are all required once `cmd` is sent (docs/ncp.md, api §4.2). */
  pre: string[];
  build: string[];
  post: string[];
  dockerbuild?: DockerBuildConfig;
}

export interface CreateBuildProjectRequest {
  /** Letters, digits, `-`, `_`; 1-80 chars. */
  name: string;
  description?: string;
  /** Only `SourceCommit` is accepted (docs/ncp.md, api §4.2). */
  source: { type: 'SourceCommit'; config: { repository: string; branch: string } };
  env: {
    compute: IdRef;
    platform: { type: BuildPlatformType; config: BuildPlatformConfig };
    docker?: { use: boolean; id?: number };
    /** Minutes, 5..540, default 60. */
    timeout?: number;
    envVars?: Array<{ key: string; value: string }>;
  };
  cmd?: BuildCommands;
  /** Object Storage upload of build output, not an image push. */
  artifact?: {
    use: boolean;
    path?: string[];
    storage?: { bucket?: string; path?: string; filename?: string };
    backup?: boolean;
  };
  /** Saves the BUILD ENVIRONMENT image ("build_image_upload"), not the app image. */
  cache?: { use: boolean; registry?: string; image?: string; tag?: string; latest?: boolean };
  linked?: { CloudLogAnalytics?: boolean; FileSafer?: boolean };
}

/** PATCH body: the create body without `name`, every part optional. */
export type UpdateBuildProjectRequest = Partial<Omit<CreateBuildProjectRequest, 'name'>>;

export interface BuildProjectDetail {
  id: number;
  name: string;
  description?: string;
  created?: { timestamp?: number; user?: string };
  source?: { type: string; config: { repository: string; branch: string } };
  env?: {
    compute?: { id: number; cpu?: number; mem?: number };
    platform?: {
      type: BuildPlatformType;
      config?: {
        os?: { id?: number; name?: string; version?: string; archi?: string };
        runtime?: { id?: number; name?: string; version?: { id?: number; name?: string } };
        registry?: string;
        image?: string;
        tag?: string;
      };
    };
    docker?: { id?: number; use?: boolean; name?: string };
    timeout?: number;
    envVars?: Array<{ key: string; value: string }>;
  };
  cmd?: Partial<BuildCommands>;
  artifact?: CreateBuildProjectRequest['artifact'];
  cache?: CreateBuildProjectRequest['cache'];
  linked?: CreateBuildProjectRequest['linked'];
  lastBuild?: { id?: string; timestamp?: number; status?: BuildStatus | null };
}

/** `POST /project/{id}/build`: docs say `{projectId, buildId}`, the SDK `{id, buildId}`. */
export interface StartBuildResult {
  buildId: string;
  projectId: number;
}

export interface BuildHistoryItem {
  projectId: number;
  /** UUID. */
  buildId: string;
  /** Epoch ms. */
  begin?: number;
  end?: number;
  userId?: string;
  status: BuildStatus | null;
  failedPhase?: BuildFailedPhase | null;
}

export interface BuildHistoryList {
  total?: number;
  history?: BuildHistoryItem[];
}

export interface ComputeType {
  id: number;
  cpu: number;
  mem: number;
}
export interface BuildOs {
  id: number;
  name: string;
  version: string;
  archi: string;
}
export interface NamedId {
  id: number;
  name: string;
}
export interface BuildRegistry {
  name: string;
  status?: string;
  permission?: string;
  actionName?: string;
  disabled?: boolean;
}
