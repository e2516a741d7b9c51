import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { ReadinessCheck } from '@klepaas/observability';
import { EVENTS_EXCHANGE } from '@klepaas/contracts';
import { assertAllQueues } from './topology';

export interface BrokerConnectionOptions {
  url: string;
  retryDelaysMs: number[];
}

/**
 * This process's own AMQP connection (beside the Nest transport's): it declares the topology
 * on every (re)connect, answers readiness, and carries operator work (parked messages).
 */
@Injectable()
export class BrokerConnection implements ReadinessCheck, OnModuleDestroy {
  readonly name = 'broker';
  private readonly log = new Logger(BrokerConnection.name);
  readonly connection: AmqpConnectionManager;
  readonly channel: ChannelWrapper;
  private lastError?: string;
  private topologyDeclared = false;

  constructor(readonly options: BrokerConnectionOptions) {
    this.connection = amqp.connect([options.url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 });
    this.connection.on('disconnect', ({ err }) => {
      this.lastError = err?.message ?? 'connection closed';
      this.topologyDeclared = false;
      this.log.warn(`broker connection lost: ${this.lastError}`);
    });
    this.connection.on('connectFailed', ({ err }) => {
      this.lastError = err?.message ?? 'connect failed';
    });
    this.connection.on('connect', () => this.log.log('broker connected'));
    this.channel = this.connection.createChannel({
      json: false,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        await assertAllQueues(channel, options.retryDelaysMs);
        this.topologyDeclared = true;
      },
    });
    // A channel that fails (its setup, a lost connection) is reported, and recreated by the manager;
    // without a listener the EventEmitter would throw it at the process.
    this.channel.on('error', (error: Error) => {
      this.lastError = error.message;
      this.log.warn(`broker channel: ${error.message}`);
    });
  }

  /** Resolves once queues and bindings exist, so a publish cannot be silently dropped. */
  async ready(): Promise<void> {
    await this.channel.waitForConnect();
  }

  async probe(): Promise<void> {
    if (!this.connection.isConnected()) throw new Error(`not connected: ${this.lastError ?? 'connecting'}`);
    if (!this.topologyDeclared) throw new Error('connected, declaring queues');
    await this.channel.checkExchange(EVENTS_EXCHANGE);
  }

  async onModuleDestroy(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
