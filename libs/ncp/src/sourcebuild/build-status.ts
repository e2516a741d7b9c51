/** SourceBuild history status values, exactly as documented (docs/ncp.md, api §4.4). */
export const BUILD_STATUSES = ['prepare', 'upload', 'success', 'fail', 'canceled'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

export const BUILD_STATUS = {
  prepare: 'prepare',
  upload: 'upload',
  success: 'success',
  fail: 'fail',
  canceled: 'canceled',
} as const satisfies Record<BuildStatus, BuildStatus>;

/** Where a failed build stopped; null on success (docs/ncp.md, api §4.4). */
export const BUILD_FAILED_PHASES = [
  'prepare',
  'build',
  'pre-build',
  'post-build',
  'upload',
  'canceling',
  'timeout',
] as const;
export type BuildFailedPhase = (typeof BUILD_FAILED_PHASES)[number];

const TERMINAL: ReadonlySet<string> = new Set<BuildStatus>(['success', 'fail', 'canceled']);

export function isBuildStatus(value: unknown): value is BuildStatus {
  return typeof value === 'string' && (BUILD_STATUSES as readonly string[]).includes(value);
}

/** success, fail and canceled end a build; prepare and upload (and null: not started) do not. */
export function isTerminalBuildStatus(status: string | null | undefined): boolean {
  return typeof status === 'string' && TERMINAL.has(status);
}

export function isSuccessfulBuildStatus(status: string | null | undefined): boolean {
  return status === 'success';
}
