import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from '@klepaas/observability';
import { OutboxStore } from '@klepaas/persistence';
import { BrokerConnection } from './broker-connection';
import { EventPublisher } from './event-publisher';
import { OutboxRelay } from './outbox-relay';

export interface MessagingOptions {
  rabbitmqUrl: string;
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
        useFactory: () => new BrokerConnection({ url: options.rabbitmqUrl, retryDelaysMs: options.retryDelaysMs }),
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
