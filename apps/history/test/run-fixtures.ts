import { randomUUID } from 'node:crypto';
import { createEnvelope, EventDefinition, EventEnvelope, Events, PayloadOf, RunTrigger } from '@klepaas/contracts';
import { BrokerConnection, EventPublisher } from '@klepaas/messaging';
import { IsolatedInfra, pollUntil } from '@klepaas/testing';
import { getJson } from '../../../test/support/http';

/**
 * Publishes events as their producers do (the runner, the mirror, the provisioner): validated
 * envelopes on the events exchange, correlated by run id, after the queues are declared. Each
 * event gets its own time from a clock one second apart, so "older" and "newer" are explicit.
 */
export class EventFeed {
  private tick = 0;
  private readonly base = Date.now();

  private constructor(private readonly publisher: EventPublisher) {}

  static async open(infra: IsolatedInfra): Promise<EventFeed> {
    // As every publisher does, declare the queues first (an unroutable message is dropped).
    const broker = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: [100, 200, 400] });
    await broker.ready();
    await broker.onModuleDestroy();
    return new EventFeed(new EventPublisher({ url: infra.rabbitmqUrl }));
  }

  /** The next moment of the feed's clock. */
  now(): Date {
    return new Date(this.base + ++this.tick * 1000);
  }

  /** Builds an envelope at the next moment (or at `at`), without publishing it. */
  envelope<D extends EventDefinition>(definition: D, payload: PayloadOf<D>, at: Date = this.now()): EventEnvelope {
    const { runId, projectId } = payload as { runId?: string; projectId?: string };
    return createEnvelope(definition, payload, { correlationId: runId ?? projectId ?? randomUUID(), occurredAt: at });
  }

  async send(...envelopes: EventEnvelope[]): Promise<void> {
    for (const envelope of envelopes) await this.publisher.publish(envelope);
  }

  async publish<D extends EventDefinition>(definition: D, payload: PayloadOf<D>, at?: Date): Promise<EventEnvelope> {
    const envelope = this.envelope(definition, payload, at);
    await this.send(envelope);
    return envelope;
  }

  async close(): Promise<void> {
    await this.publisher.onModuleDestroy();
  }
}

const SETTINGS = { branch: 'main', autoDeploy: true, mergeOnly: false, paths: [], replicas: 1, containerPort: 8080 };
let repositoryIds = 9_000_000 + Math.floor(Math.random() * 1_000_000);

/** A project registered and provisioned (as the gateway and provisioner announce it), ready in the read model. */
export async function readyProject(feed: EventFeed, gatewayUrl: string, ownerId: string, token: string) {
  const projectId = randomUUID();
  const repo = `app-${projectId.slice(0, 8)}`;
  const project = {
    owner: ownerId,
    repo,
    githubRepositoryId: repositoryIds++,
    installationId: null,
    settings: SETTINGS,
  };
  await feed.publish(Events.ProjectRegistrationRequested, { projectId, requestedBy: ownerId, ...project });
  await feed.publish(Events.ProjectProvisioned, {
    projectId,
    ownerId,
    ...project,
    namespace: `${ownerId}-${repo}`,
    imageName: `${ownerId}-${repo}`,
    ncp: {
      sourceCommitRepository: `${ownerId}-${repo}`,
      sourceBuildProjectId: '11',
      sourceDeployProjectId: '21',
      sourceDeployStageId: '22',
      sourceDeployScenarioId: '23',
      sourcePipelineId: '31',
    },
    revision: 1,
  });
  await pollUntil(
    () => getJson(`${gatewayUrl}/api/v1/projects/${projectId}`, token),
    (r) => r.body?.status === 'ready',
    { description: `project ${projectId} ready` },
  );
  return projectId;
}

export const sha = (n: number) => n.toString(16).padStart(40, 'a');

/** The events of one run, built as the runner and the mirror build them (not yet published). */
export class RunScript {
  readonly runId: string;
  readonly image: string;
  readonly trigger: RunTrigger;

  constructor(
    private readonly feed: EventFeed,
    readonly projectId: string,
    options: { commitSha: string; type?: RunTrigger['type']; runId?: string },
  ) {
    this.runId = options.runId ?? randomUUID();
    this.image = `klepaas-sandbox.kr.ncr.ntruss.com/app:${options.commitSha.slice(0, 7)}`;
    this.trigger = {
      type: options.type ?? 'push',
      deliveryId: randomUUID(),
      commitSha: options.commitSha,
      ref: 'main',
    };
  }

  private get ids() {
    return { runId: this.runId, projectId: this.projectId };
  }

  queued(extra: { commitMessage?: string; rollbackOf?: string; retryOf?: string } = {}, at?: Date) {
    return this.feed.envelope(
      Events.RunQueued,
      {
        ...this.ids,
        trigger: this.trigger,
        image: this.image,
        replicas: 2,
        commitMessage: extra.commitMessage ?? 'Merge pull request #7',
        rollbackOf: extra.rollbackOf ?? null,
        retryOf: extra.retryOf ?? null,
      },
      at,
    );
  }

  mirrorRequested(at?: Date) {
    return this.feed.envelope(
      Events.MirrorRequested,
      {
        ...this.ids,
        attempt: 1,
        sequence: 1,
        source: { owner: 'acme', repo: 'app', commitSha: this.trigger.commitSha!, installationId: 1 },
        target: { repository: 'acme-app', branch: 'klepaas-deploy' },
        image: this.image,
        replicas: 2,
        namespace: 'acme-app',
        containerPort: 8080,
        appName: 'app',
      },
      at,
    );
  }

  mirrorCompleted(at?: Date) {
    return this.feed.envelope(
      Events.MirrorCompleted,
      {
        ...this.ids,
        attempt: 1,
        sourceCommit: this.trigger.commitSha!,
        mirroredCommit: sha(999),
        oldTag: null,
        newTag: this.image.split(':')[1],
        oldReplicas: null,
        newReplicas: 2,
        manifestCreated: true,
      },
      at,
    );
  }

  buildStarted(at?: Date) {
    return this.feed.envelope(
      Events.BuildStarted,
      { ...this.ids, buildProjectId: '11', buildId: `build-${this.runId.slice(0, 8)}`, image: this.image },
      at,
    );
  }

  buildSucceeded(at?: Date) {
    return this.feed.envelope(
      Events.BuildSucceeded,
      { ...this.ids, buildId: `build-${this.runId.slice(0, 8)}`, image: this.image, durationMs: 1000 },
      at,
    );
  }

  buildFailed(at?: Date) {
    return this.feed.envelope(
      Events.BuildFailed,
      {
        ...this.ids,
        buildId: `build-${this.runId.slice(0, 8)}`,
        status: 'fail',
        failedPhase: 'DOCKER_BUILD',
        error: { message: 'Dockerfile: COPY failed: file not found', code: 'build-failed' },
      },
      at,
    );
  }

  deployStarted(at?: Date) {
    return this.feed.envelope(
      Events.DeployStarted,
      { ...this.ids, historyId: `history-${this.runId.slice(0, 8)}`, image: this.image, replicas: 2 },
      at,
    );
  }

  deploySucceeded(at?: Date) {
    return this.feed.envelope(
      Events.DeploySucceeded,
      {
        ...this.ids,
        historyId: `history-${this.runId.slice(0, 8)}`,
        image: this.image,
        replicas: 2,
        durationMs: 1000,
      },
      at,
    );
  }

  completed(
    status: PayloadOf<typeof Events.RunCompleted>['status'],
    queuedAt: Date,
    extra: { reason?: string; failedStep?: 'mirror' | 'build' | 'deploy' } = {},
    at: Date = this.feed.now(),
  ) {
    return this.feed.envelope(
      Events.RunCompleted,
      {
        ...this.ids,
        status,
        reason: extra.reason ?? null,
        failedStep: extra.failedStep ?? null,
        trigger: this.trigger,
        image: this.image,
        replicas: 2,
        queuedAt: queuedAt.toISOString(),
        startedAt: queuedAt.toISOString(),
        finishedAt: at.toISOString(),
        durationMs: at.getTime() - queuedAt.getTime(),
      },
      at,
    );
  }

  /** Every event of a run that deploys successfully, in order. */
  succeeded(): EventEnvelope[] {
    const queued = this.queued();
    return [
      queued,
      this.mirrorRequested(),
      this.mirrorCompleted(),
      this.buildStarted(),
      this.buildSucceeded(),
      this.deployStarted(),
      this.deploySucceeded(),
      this.completed('succeeded', new Date(queued.occurredAt)),
    ];
  }
}
