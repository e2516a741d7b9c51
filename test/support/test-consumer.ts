import { Controller, DynamicModule, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { createService, RunningService } from '@klepaas/bootstrap';
import { KlepaasConfig, loadConfig } from '@klepaas/config';
import { EVENT_NAMES, EventEnvelope, ServiceQueues } from '@klepaas/contracts';
import { BrokerConnection, MessagingModule } from '@klepaas/messaging';
import { createLogger, ObservabilityModule } from '@klepaas/observability';
import { PersistenceModule } from '@klepaas/persistence';
import type { IsolatedInfra } from '@klepaas/testing';
import { testEnv } from './services';

/** What a test consumer does with each event: throw to fail it, await to be slow. */
export type TestHandler = (envelope: EventEnvelope) => void | Promise<void>;

/**
 * A real consumer (the production EventConsumerServer, on history's queue in the test's own
 * vhost) whose handler the test supplies: for testing delivery rules, not history.
 */
export async function startTestConsumer(
  infra: IsolatedInfra,
  handler: TestHandler,
  env: Record<string, string> = {},
): Promise<RunningService> {
  @Controller()
  class TestConsumerController {
    @EventPattern(EVENT_NAMES)
    handle(@Payload() envelope: EventEnvelope): void | Promise<void> {
      return handler(envelope);
    }
  }

  @Module({})
  class TestConsumerModule {
    static forRoot(config: KlepaasConfig, logger: ReturnType<typeof createLogger>): DynamicModule {
      return {
        module: TestConsumerModule,
        imports: [
          ObservabilityModule.forRoot({ logger, readinessChecks: [BrokerConnection] }),
          PersistenceModule.forRoot({ databaseUrl: config.databaseUrl }),
          MessagingModule.forRoot({ ...config, publishes: false }),
        ],
        controllers: [TestConsumerController],
      };
    }
  }

  const config = loadConfig('history', testEnv('history', infra, env));
  return createService(
    {
      name: 'history',
      module: (c, l) => TestConsumerModule.forRoot(c, l),
      usesDatabase: true,
      consumesQueue: ServiceQueues.history,
    },
    config,
    createLogger({ app: 'test-consumer', level: 'silent' }),
  );
}
