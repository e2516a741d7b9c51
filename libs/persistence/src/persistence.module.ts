import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseReadiness } from './database.readiness';
import { InboxStore } from './inbox.store';
import { OutboxStore } from './outbox.store';

export interface PersistenceOptions {
  databaseUrl: string;
  /** TypeORM entity classes this service reads or writes. */
  entities?: Function[];
  /** `<service>_outbox` when the service announces state changes. */
  outboxTable?: string;
  /** `<service>_inbox` when the service consumes events. */
  inboxTable?: string;
  poolSize?: number;
}

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    const providers = [
      DatabaseReadiness,
      ...(options.outboxTable ? [{ provide: OutboxStore, useValue: new OutboxStore(options.outboxTable) }] : []),
      ...(options.inboxTable
        ? [
            {
              provide: InboxStore,
              useFactory: (ds: DataSource) => new InboxStore(ds, options.inboxTable!),
              inject: [DataSource],
            },
          ]
        : []),
    ];
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.databaseUrl,
          entities: options.entities ?? [],
          synchronize: false,
          migrationsRun: false,
          logging: false,
          // Fail fast at start: prepareDatabase has already waited for the server.
          retryAttempts: 2,
          retryDelay: 1000,
          extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 },
        }),
      ],
      providers,
      exports: providers,
    };
  }
}
