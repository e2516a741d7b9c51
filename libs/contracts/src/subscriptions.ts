import { EVENT_NAMES, EventName, Events } from './catalogue';
import { ServiceQueues } from './topology';

/**
 * Which events each service's durable queue receives: the "consumers" column of the
 * architecture's event table, as code. Publishers declare these queues and bindings before
 * they publish (an unroutable message is confirmed and silently dropped), and each consumer
 * checks at start that its handlers are exactly its subscriptions.
 *
 * A service appears here only once its handlers exist: a bound queue nobody consumes grows
 * without end.
 */
export const Subscriptions: Partial<Record<(typeof ServiceQueues)[keyof typeof ServiceQueues], readonly EventName[]>> =
  {
    [ServiceQueues.history]: EVENT_NAMES,
    [ServiceQueues.mirror]: [Events.MirrorRequested.name],
    [ServiceQueues.runner]: [
      Events.ProjectRegistrationRequested.name,
      Events.ProjectProvisioned.name,
      Events.ProjectProvisioningFailed.name,
      Events.ProjectSettingsChanged.name,
      Events.ProjectUnregistrationRequested.name,
      Events.ProjectUnregistered.name,
      Events.PullRequestMerged.name,
      Events.PushReceived.name,
      Events.ReleasePublished.name,
      Events.DeployRequested.name,
      Events.RollbackRequested.name,
      Events.ScaleRequested.name,
      Events.RunRetryRequested.name,
      Events.ProjectUnpinRequested.name,
      Events.RunCancelRequested.name,
      Events.MirrorCompleted.name,
      Events.MirrorFailed.name,
    ],
    [ServiceQueues.provisioner]: [
      Events.ProjectRegistrationRequested.name,
      Events.ProjectSettingsChangeRequested.name,
      Events.ProjectUnregistrationRequested.name,
      Events.ProjectRunsStopped.name,
      Events.InstallationChanged.name,
    ],
  };
