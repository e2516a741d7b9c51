import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EVENT_NAMES, EventEnvelope } from '@klepaas/contracts';
import { InboxStore } from '@klepaas/persistence';
import { CommitProjector } from './commit.projector';
import { DeliveryProjector } from './delivery.projector';
import { DeploymentProjector } from './deployment.projector';
import { ProjectProjector } from './project.projector';
import { RunProjector } from './run.projector';
import { TimelineProjector } from './timeline.projector';

/**
 * History's one entry point: every event of the catalogue is projected into the read model,
 * once (the inbox records its id in the same transaction).
 */
@Controller()
export class ProjectionController {
  private readonly log = new Logger(ProjectionController.name);

  constructor(
    private readonly inbox: InboxStore,
    private readonly timeline: TimelineProjector,
    private readonly deliveries: DeliveryProjector,
    private readonly projects: ProjectProjector,
    private readonly runs: RunProjector,
    private readonly deployments: DeploymentProjector,
    private readonly commits: CommitProjector,
  ) {}

  @EventPattern(EVENT_NAMES)
  async project(@Payload() envelope: EventEnvelope): Promise<void> {
    const outcome = await this.inbox.applyOnce(envelope, async (manager) => {
      await this.timeline.apply(manager, envelope);
      await this.deliveries.apply(manager, envelope);
      await this.projects.apply(manager, envelope);
      // Runs before deployments: a deployment is made from its run.
      await this.runs.apply(manager, envelope);
      await this.deployments.apply(manager, envelope);
      await this.commits.apply(manager, envelope);
    });
    if (!outcome.applied) this.log.debug(`${envelope.type} ${envelope.id} already projected`);
  }
}
