import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventEnvelope, Events } from '@klepaas/contracts';
import { InboxStore } from '@klepaas/persistence';
import { ManualHandler } from './manual.handler';
import { ProjectEventsHandler } from './project-events.handler';
import { PushHandler } from './push.handler';
import { RunControlHandler } from './run-control.handler';

/**
 * The runner's entry points. Each event is applied once (the inbox, in the same transaction as
 * its effects); none of them calls NCP: the driver does, for runs that are due.
 */
@Controller()
export class RunnerController {
  constructor(
    private readonly inbox: InboxStore,
    private readonly projects: ProjectEventsHandler,
    private readonly pushes: PushHandler,
    private readonly manual: ManualHandler,
    private readonly control: RunControlHandler,
  ) {}

  @EventPattern([
    Events.ProjectRegistrationRequested.name,
    Events.ProjectProvisioned.name,
    Events.ProjectProvisioningFailed.name,
    Events.ProjectSettingsChanged.name,
    Events.ProjectUnregistrationRequested.name,
    Events.ProjectUnregistered.name,
    Events.PullRequestMerged.name,
  ])
  onProjectEvent(@Payload() envelope: EventEnvelope) {
    return this.once(envelope, (m) => this.projects.apply(m, envelope));
  }

  @EventPattern(Events.PushReceived.name)
  onPush(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.pushes.push(m, envelope));
  }

  @EventPattern(Events.ReleasePublished.name)
  onRelease(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.pushes.release(m, envelope));
  }

  @EventPattern(Events.DeployRequested.name)
  onDeploy(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.manual.deploy(m, envelope));
  }

  @EventPattern(Events.RollbackRequested.name)
  onRollback(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.manual.rollback(m, envelope));
  }

  @EventPattern(Events.ScaleRequested.name)
  onScale(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.manual.scale(m, envelope));
  }

  @EventPattern(Events.RunRetryRequested.name)
  onRetry(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.manual.retry(m, envelope));
  }

  @EventPattern(Events.ProjectUnpinRequested.name)
  onUnpin(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.manual.unpin(m, envelope));
  }

  @EventPattern(Events.RunCancelRequested.name)
  onCancel(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.control.cancel(m, envelope));
  }

  @EventPattern(Events.MirrorCompleted.name)
  onMirrorCompleted(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.control.mirrorCompleted(m, envelope));
  }

  @EventPattern(Events.MirrorFailed.name)
  onMirrorFailed(@Payload() envelope: EventEnvelope<string, any>) {
    return this.once(envelope, (m) => this.control.mirrorFailed(m, envelope));
  }

  private async once(envelope: EventEnvelope, apply: (manager: import('typeorm').EntityManager) => Promise<unknown>) {
    await this.inbox.applyOnce(envelope, apply);
  }
}
