/** SourceDeploy history status values (docs/ncp.md, api §5.4, from an older docs page: medium confidence). */
export const DEPLOY_STATUSES = [
  'success',
  'fail',
  'inprogress',
  'pending',
  'reject',
  'canceling',
  'canceled',
  'waiting',
  'error',
  'canary_pending',
  'canary_reject',
  'canary_analyzing',
  'canary_waiting_timeout',
  'canary_rejecting',
] as const;
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];

/**
 * States a deployment does not leave by itself. `pending` (awaiting approval) and the canary
 * waits are not terminal: they need a person, so a caller should time them out rather than wait.
 * `canary_reject` is the end of a rejected canary (`canary_rejecting` leads to it).
 */
const TERMINAL: ReadonlySet<string> = new Set<DeployStatus>([
  'success',
  'fail',
  'reject',
  'canceled',
  'error',
  'canary_reject',
]);
const FAILED: ReadonlySet<string> = new Set<DeployStatus>(['fail', 'reject', 'error', 'canary_reject']);

export function isDeployStatus(value: unknown): value is DeployStatus {
  return typeof value === 'string' && (DEPLOY_STATUSES as readonly string[]).includes(value);
}

/** False for unknown values: a status never seen before is reported, not taken for an end. */
export function isTerminalDeployStatus(status: string | null | undefined): boolean {
  return typeof status === 'string' && TERMINAL.has(status);
}

export function isSuccessfulDeployStatus(status: string | null | undefined): boolean {
  return status === 'success';
}

export function isFailedDeployStatus(status: string | null | undefined): boolean {
  return typeof status === 'string' && FAILED.has(status);
}

/** History ids come as numbers and as strings (docs/ncp.md, api §5.1): compare them as text. */
export function sameDeployHistoryId(a: number | string, b: number | string): boolean {
  return String(a) === String(b);
}
