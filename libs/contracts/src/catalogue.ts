import { EventDefinition } from './event-definition';
import { envelopeSchema, EventEnvelope } from './envelope';
import { DeployRequested } from './events/command/deploy-requested';
import { ProjectRegistrationRequested } from './events/command/project-registration-requested';
import { ProjectSettingsChangeRequested } from './events/command/project-settings-change-requested';
import { ProjectUnpinRequested } from './events/command/project-unpin-requested';
import { ProjectUnregistrationRequested } from './events/command/project-unregistration-requested';
import { RollbackRequested } from './events/command/rollback-requested';
import { RunCancelRequested } from './events/command/run-cancel-requested';
import { RunRetryRequested } from './events/command/run-retry-requested';
import { ScaleRequested } from './events/command/scale-requested';
import { InstallationChanged } from './events/github/installation-changed';
import { PullRequestMerged } from './events/github/pull-request-merged';
import { PushReceived } from './events/github/push-received';
import { ReleasePublished } from './events/github/release-published';
import { ProjectProvisioned } from './events/project/project-provisioned';
import { ProjectProvisioningFailed } from './events/project/project-provisioning-failed';
import { ProjectRunsStopped } from './events/project/project-runs-stopped';
import { ProjectSettingsChanged } from './events/project/project-settings-changed';
import { ProjectUnregistered } from './events/project/project-unregistered';
import { BuildFailed } from './events/run/build-failed';
import { BuildStarted } from './events/run/build-started';
import { BuildSucceeded } from './events/run/build-succeeded';
import { DeliverySkipped } from './events/run/delivery-skipped';
import { DesiredStateChanged } from './events/run/desired-state-changed';
import { DeployFailed } from './events/run/deploy-failed';
import { DeployStarted } from './events/run/deploy-started';
import { DeploySucceeded } from './events/run/deploy-succeeded';
import { MirrorCompleted } from './events/run/mirror-completed';
import { MirrorFailed } from './events/run/mirror-failed';
import { MirrorRequested } from './events/run/mirror-requested';
import { RunCompleted } from './events/run/run-completed';
import { RunQueued } from './events/run/run-queued';

/**
 * Every event of the architecture's catalogue. `Events.PushReceived.name` is how code names
 * an event; a typo does not compile.
 */
export const Events = {
  PushReceived,
  ReleasePublished,
  PullRequestMerged,
  InstallationChanged,
  ProjectRegistrationRequested,
  ProjectSettingsChangeRequested,
  ProjectUnregistrationRequested,
  ProjectProvisioned,
  ProjectProvisioningFailed,
  ProjectSettingsChanged,
  ProjectUnregistered,
  ProjectRunsStopped,
  DeployRequested,
  RollbackRequested,
  ScaleRequested,
  RunCancelRequested,
  RunRetryRequested,
  ProjectUnpinRequested,
  DeliverySkipped,
  DesiredStateChanged,
  RunQueued,
  MirrorRequested,
  MirrorCompleted,
  MirrorFailed,
  BuildStarted,
  BuildSucceeded,
  BuildFailed,
  DeployStarted,
  DeploySucceeded,
  DeployFailed,
  RunCompleted,
} as const;

export type EventName = keyof typeof Events;
export const EVENT_NAMES = Object.keys(Events) as EventName[];

export function findEventDefinition(name: string): EventDefinition | undefined {
  return Object.prototype.hasOwnProperty.call(Events, name) ? Events[name as EventName] : undefined;
}

export type ValidationResult = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

/**
 * Checks a received message: the envelope's shape, a known type, a version this code reads,
 * and the payload against the type's schema. The reason names what is wrong.
 */
export function validateEnvelope(raw: unknown, expectedType?: string): ValidationResult {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: `invalid envelope: ${summarise(envelope.error.issues)}` };
  const { type, version } = envelope.data;
  if (expectedType && type !== expectedType) {
    return { ok: false, reason: `envelope type ${type} does not match routing ${expectedType}` };
  }
  const definition = findEventDefinition(type);
  if (!definition) return { ok: false, reason: `unknown event type ${type}` };
  if (version > definition.version) {
    return { ok: false, reason: `${type} version ${version} is newer than this service reads (${definition.version})` };
  }
  const payload = definition.schema.safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, reason: `invalid ${type} payload: ${summarise(payload.error.issues)}` };
  return { ok: true, envelope: { ...envelope.data, payload: payload.data } };
}

function summarise(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
