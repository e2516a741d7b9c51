import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EnvelopeOf, Events, MirrorRequested } from '@klepaas/contracts';
import { MetricsService } from '@klepaas/observability';
import { mirrorCompleted, mirrorFailed } from './events/outcome-events';
import { OutcomePublisher } from './events/outcome-publisher';
import { MirrorJob } from './job/mirror-job';
import { isRefusal } from './refusal';

/**
 * The mirror's one entry point. The answer is published (and confirmed) before this returns,
 * and the request is acked only after that: a crash in between redoes the job, which makes the
 * same commit and the same event id. A refusal is answered with MirrorFailed and acked; any
 * other error is thrown to the consumer, which retries and finally parks the request.
 */
@Controller()
export class MirrorController {
  private readonly log = new Logger(MirrorController.name);
  private readonly durations;

  constructor(
    private readonly job: MirrorJob,
    private readonly outcomes: OutcomePublisher,
    metrics: MetricsService,
  ) {
    this.durations = metrics.histogram(
      'klepaas_mirror_job_seconds',
      'Mirror jobs by outcome',
      ['outcome'],
      [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180],
    );
  }

  @EventPattern(Events.MirrorRequested.name)
  async mirror(@Payload() request: EnvelopeOf<typeof MirrorRequested>): Promise<void> {
    const stop = this.durations.startTimer();
    const { source, target, attempt } = request.payload;
    this.log.log(
      `mirroring ${source.owner}/${source.repo}@${source.commitSha} to ${target.repository} (attempt ${attempt})`,
    );
    try {
      const result = await this.job.run(request.payload);
      await this.outcomes.publish(mirrorCompleted(request, result));
      stop({ outcome: 'completed' });
    } catch (error) {
      if (!isRefusal(error)) {
        stop({ outcome: 'error' });
        throw error;
      }
      this.log.warn(`mirror refused (${error.code}): ${error.message}`);
      await this.outcomes.publish(mirrorFailed(request, error));
      stop({ outcome: 'refused' });
    }
  }
}
