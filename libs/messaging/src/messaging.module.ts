import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import { MetricsService } from '@klepaas/observability';
import { OutboxStore } from '@klepaas/persistence';
import { BrokerConnection } from './broker-connection';
import { EventPublisher } from './event-publisher';
import { OutboxRelay } from './outbox-relay';
import type { QueueType } from './topology';

export interface MessagingOptions {
  /** One URL, a comma-separated list, or an array (the nodes of a cluster). */
  rabbitmqUrl: string | string[];
  /** When absent: the app's configuration (KLEPAAS_RABBITMQ_QUEUE_TYPE), else quorum. */
  rabbitmqQueueType?: QueueType;
  databaseUrl: string;
  retryDelaysMs: number[];
  /** True when the service announces events through its outbox (needs PersistenceModule's OutboxStore). */
  publishes: boolean;
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const providers: Provider[] = [
      {
        provide: BrokerConnection,
        useFactory: (config?: KlepaasConfig) =>
          new BrokerConnection({
            url: options.rabbitmqUrl,
            retryDelaysMs: options.retryDelaysMs,
            queueType: options.rabbitmqQueueType ?? config?.rabbitmqQueueType,
          }),
        inject: [{ token: KLEPAAS_CONFIG, optional: true }],
      },
    ];
    if (options.publishes) {
      providers.push(
        { provide: EventPublisher, useFactory: () => new EventPublisher({ url: options.rabbitmqUrl }) },
        {
          provide: OutboxRelay,
          useFactory: (
            ds: DataSource,
            store: OutboxStore,
            pub: EventPublisher,
            broker: BrokerConnection,
            m: MetricsService,
          ) => new OutboxRelay(ds, store, pub, broker, m, options.databaseUrl),
          inject: [DataSource, OutboxStore, EventPublisher, BrokerConnection, MetricsService],
        },
      );
    }
    return { module: MessagingModule, providers, exports: providers };
  }
}
