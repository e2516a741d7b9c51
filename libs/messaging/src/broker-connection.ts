import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { ReadinessCheck } from '@klepaas/observability';
import { EVENTS_EXCHANGE } from '@klepaas/contracts';
import { BROKER_SOCKET_OPTIONS, brokerUrls } from './broker-urls';
import { ensureQueueTypes } from './queue-migration';
import { allServiceQueues, assertAllQueues, QueueType, serviceQueueSet } from './topology';

export interface BrokerConnectionOptions {
  /** One URL, a comma-separated list, or an array: the nodes of a cluster, tried in turn. */
  url: string | string[];
  retryDelaysMs: number[];
  /** quorum unless a single-node development broker is configured for classic queues. */
  queueType?: QueueType;
}

const RETRY_PREPARE_MS = 5000;

/**
 * This process's own AMQP connection (beside the Nest transport's): it declares the topology
 * on every (re)connect (migrating an earlier release's classic queues first), answers
 * readiness, and carries operator work (parked messages).
 */
@Injectable()
export class BrokerConnection implements ReadinessCheck, OnModuleDestroy {
  readonly name = 'broker';
  private readonly log = new Logger(BrokerConnection.name);
  readonly connection: AmqpConnectionManager;
  readonly channel: ChannelWrapper;
  readonly queueType: QueueType;
  private lastError?: string;
  private preparing?: string;
  private topologyDeclared = false;
  private connecting?: Promise<void>;

  constructor(readonly options: BrokerConnectionOptions) {
    this.queueType = options.queueType ?? 'quorum';
    this.connection = amqp.connect(brokerUrls(options.url), BROKER_SOCKET_OPTIONS);
    this.connection.on('disconnect', ({ err }) => {
      this.lastError = err?.message ?? 'connection closed';
      this.topologyDeclared = false;
      this.log.warn(`broker connection lost: ${this.lastError}`);
    });
    this.connection.on('connectFailed', ({ err, url }) => {
      this.lastError = `${err?.message ?? 'connect failed'} (${withoutPassword(url)})`;
    });
    this.connection.on('connect', ({ url }) => this.log.log(`broker connected (${withoutPassword(url)})`));
    this.channel = this.connection.createChannel({
      json: false,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        await this.prepareQueues();
        await assertAllQueues(channel, options.retryDelaysMs, this.queueType);
        this.topologyDeclared = true;
        this.preparing = undefined;
      },
    });
    // A channel that fails (its setup, a lost connection) is reported, and recreated by the manager;
    // without a listener the EventEmitter would throw it at the process.
    this.channel.on('error', (error: Error) => {
      this.lastError = error.message;
      this.log.warn(`broker channel: ${error.message}`);
    });
  }

  /**
   * Checks every queue's type, migrating classic queues when quorum is configured. A queue the
   * broker refuses for another reason is reported (readiness, logs) and checked again later,
   * rather than failing the channel for good.
   */
  private async prepareQueues(): Promise<void> {
    const sets = allServiceQueues().map((q) => serviceQueueSet(q, this.options.retryDelaysMs, this.queueType));
    const progress = {
      report: (message: string) => {
        this.preparing = message;
        this.log.warn(message);
      },
    };
    for (let attempt = 1; ; attempt++) {
      const connection = this.connection.connection;
      if (!connection) throw new Error('connection closed while declaring queues');
      try {
        const migrated = await ensureQueueTypes(connection, sets, progress);
        if (migrated.length) this.log.log(`migrated ${migrated.length} classic queue(s) to quorum`);
        return;
      } catch (error) {
        if (this.connection.connection !== connection) throw error;
        this.preparing = String((error as Error).message ?? error);
        if (attempt === 1 || attempt % 12 === 0) this.log.error(`cannot declare queues: ${this.preparing}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_PREPARE_MS).unref());
      }
    }
  }

  /** Resolves once queues and bindings exist, so a publish cannot be silently dropped. */
  ready(): Promise<void> {
    // One listener for every waiter: callers that give up (a timeout) must not leave theirs.
    return (this.connecting ??= this.channel.waitForConnect().finally(() => (this.connecting = undefined)));
  }

  async probe(): Promise<void> {
    if (!this.connection.isConnected()) throw new Error(`not connected: ${this.lastError ?? 'connecting'}`);
    if (!this.topologyDeclared) throw new Error(this.preparing ?? 'connected, declaring queues');
    await this.channel.checkExchange(EVENTS_EXCHANGE);
  }

  async onModuleDestroy(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** A broker URL as it may be logged: without its password. */
function withoutPassword(url: unknown): string {
  try {
    const parsed = new URL(typeof url === 'string' ? url : String((url as { url?: string })?.url ?? url));
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'a broker URL';
  }
}
