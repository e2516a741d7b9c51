import type { INestApplication } from '@nestjs/common';
import type { NestMicroservice } from '@nestjs/microservices';
import { MetricsService } from '@klepaas/observability';
import { BrokerConnection } from './broker-connection';
import { EventConsumerServer, EventConsumerOptions } from './event-consumer.server';
import { RpcErrorPassthroughFilter } from './rpc-error-passthrough.filter';

/**
 * Attaches the service's event consumer to its HTTP app (a hybrid app: one process serves
 * health and metrics and consumes its queue) and starts consuming.
 */
export async function startEventConsumer(
  app: INestApplication,
  options: Omit<EventConsumerOptions, 'onOutcome'>,
): Promise<EventConsumerServer> {
  const metrics = app.get(MetricsService);
  const handled = metrics.counter('klepaas_messages_total', 'Messages consumed, by outcome', [
    'queue',
    'type',
    'outcome',
  ]);
  const duration = metrics.histogram('klepaas_message_handling_seconds', 'Time to handle a message', ['queue', 'type']);
  // Consume only once this process's broker connection has declared (or migrated) the queues,
  // with the queue type it declared them as.
  const broker = app.get(BrokerConnection);
  await broker.ready();
  const server = new EventConsumerServer({
    queueType: broker.queueType,
    ...options,
    onOutcome: (outcome, type, ms) => {
      handled.inc({ queue: options.queue, type, outcome });
      duration.observe({ queue: options.queue, type }, ms / 1000);
    },
  });
  // Deferred so the filter is in place before handlers are wired; the HTTP app has already run
  // the lifecycle hooks, so the microservice must not run them a second time.
  const microservice = app.connectMicroservice({ strategy: server }, { deferInitialization: true }) as NestMicroservice;
  microservice.useGlobalFilters(new RpcErrorPassthroughFilter());
  microservice.setIsInitHookCalled(true);
  await app.startAllMicroservices();
  return server;
}
