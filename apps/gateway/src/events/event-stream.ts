import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { DataSource } from 'typeorm';
import { EVENTS_EXCHANGE, EventEnvelope, EventName, Events, validateEnvelope } from '@klepaas/contracts';
import { BrokerConnection } from '@klepaas/messaging';
import { ReadModel } from '@klepaas/read-model';
import { RepositoryClaims } from '../projects/repository-claims';

/** What the live stream carries: a run's life, and the pushes that made none (architecture.md, "Events"). */
export const STREAMED_EVENTS: readonly EventName[] = [
  Events.DeliverySkipped.name,
  Events.RunQueued.name,
  Events.MirrorRequested.name,
  Events.MirrorCompleted.name,
  Events.MirrorFailed.name,
  Events.BuildStarted.name,
  Events.BuildSucceeded.name,
  Events.BuildFailed.name,
  Events.DeployStarted.name,
  Events.DeploySucceeded.name,
  Events.DeployFailed.name,
  Events.RunCompleted.name,
  Events.DesiredStateChanged.name,
];

/** One open stream: whose it is, what it asked for, and how to reach it. */
export interface StreamListener {
  ownerId: string;
  projectId?: string;
  runId?: string;
  send(envelope: EventEnvelope): void;
  close(): void;
}

/** Project owners never change, so what was looked up once is kept (bounded). */
const OWNER_CACHE_SIZE = 10_000;

/**
 * The gateway's own view of the run events, for server-sent events: an exclusive, auto-delete,
 * non-durable queue per gateway process, bound to the streamed events on the events exchange
 * (declared again, under a new name, on every reconnect). It is ephemeral by design, so it is not
 * in `Subscriptions`: nothing is kept for a stream that is not open. Each event goes, in the order
 * received, to the open streams of its project's owner that it matches.
 */
@Injectable()
export class EventStream implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(EventStream.name);
  private readonly claims = new RepositoryClaims();
  private readonly listeners = new Set<StreamListener>();
  private readonly owners = new Map<string, string>();
  /** Open (or opening) streams per user, for the per-user limit. */
  private readonly perUser = new Map<string, number>();
  private channel?: ChannelWrapper;
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: BrokerConnection,
    private readonly readModel: ReadModel,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.channel = this.broker.connection.createChannel({
      json: false,
      confirm: false,
      setup: async (channel: Channel) => {
        await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
        const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
        for (const name of STREAMED_EVENTS) await channel.bindQueue(queue, EVENTS_EXCHANGE, name);
        await channel.consume(queue, (message) => message && this.receive(message), { noAck: true });
      },
    });
    this.channel.on('error', (error: Error) => this.log.warn(`live event subscription: ${error.message}`));
  }

  /** Resolves once the subscription is bound, so a stream opened after it misses nothing published later. */
  async ready(): Promise<void> {
    await this.channel?.waitForConnect();
  }

  /** How many streams are open in this process. */
  get openStreams(): number {
    return this.listeners.size;
  }

  /**
   * Takes one of the user's `limit` stream slots, or answers null when all are taken. Taken before
   * any await, so concurrent opens cannot all slip under the limit; the returned release is idempotent.
   */
  reserve(userId: string, limit: number): (() => void) | null {
    const open = this.perUser.get(userId) ?? 0;
    if (open >= limit) return null;
    this.perUser.set(userId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }

  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleDestroy(): Promise<void> {
    for (const listener of this.listeners) listener.close();
    this.listeners.clear();
    await this.channel?.close().catch(() => undefined);
  }

  private receive(message: ConsumeMessage): void {
    if (!this.listeners.size) return;
    let envelope: EventEnvelope;
    try {
      const packet = JSON.parse(message.content.toString('utf8'));
      const checked = validateEnvelope(packet?.data, packet?.pattern);
      if (!checked.ok) {
        this.log.debug(`not streamed: ${checked.reason}`);
        return;
      }
      envelope = checked.envelope;
    } catch {
      this.log.debug('not streamed: a message body that is not JSON');
      return;
    }
    // One at a time, so each stream sees the events in the order the broker gave them.
    this.delivering = this.delivering
      .then(() => this.deliver(envelope))
      .catch((error) => this.log.warn(`could not stream ${envelope.type} ${envelope.id}: ${String(error)}`));
  }

  private async deliver(envelope: EventEnvelope): Promise<void> {
    const { projectId, runId } = envelope.payload as { projectId?: string | null; runId?: string };
    if (!projectId || !this.listeners.size) return;
    const owner = await this.ownerOf(projectId);
    if (!owner) return;
    for (const listener of this.listeners) {
      if (listener.ownerId !== owner) continue;
      if (listener.projectId && listener.projectId !== projectId) continue;
      if (listener.runId && listener.runId !== runId) continue;
      listener.send(envelope);
    }
  }

  /** From the read model, or from the gateway's own claim while history has not seen the project. */
  private async ownerOf(projectId: string): Promise<string | null> {
    const cached = this.owners.get(projectId);
    if (cached) return cached;
    const owner =
      (await this.readModel.runs.ownerOfProject(projectId)) ??
      (await this.claims.findByProject(this.dataSource.manager, projectId))?.ownerId ??
      null;
    if (owner) {
      if (this.owners.size >= OWNER_CACHE_SIZE) this.owners.delete(this.owners.keys().next().value!);
      this.owners.set(projectId, owner);
    }
    return owner;
  }
}
