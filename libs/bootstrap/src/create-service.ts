import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { json } from 'express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { KlepaasConfig } from '@klepaas/config';
import { EventConsumerServer, startEventConsumer } from '@klepaas/messaging';
import { prepareDatabase } from '@klepaas/persistence';
import type { ServiceDefinition } from './service-definition';

export interface RunningService {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts one app with an already validated configuration: migrations first (so no service
 * takes work against an old schema), then the HTTP side, then its queue, then the port.
 * Used by each app's main.ts and by tests that run an app in-process.
 */
export async function createService(
  definition: ServiceDefinition,
  config: KlepaasConfig,
  logger: Logger,
): Promise<RunningService> {
  if (definition.usesDatabase) {
    const log = logger.child({ context: 'Database' });
    await prepareDatabase(config.databaseUrl, { log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
  }
  const app = await NestFactory.create(definition.module(config, logger), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  await definition.configureHttp?.(app, config);
  // After configureHttp, so a route that reads its raw body (webhooks) has already taken it.
  app.use(json({ limit: '1mb' }));
  await app.init();
  let consumer: EventConsumerServer | undefined;
  if (definition.consumesQueue) {
    consumer = await startEventConsumer(app, {
      url: config.rabbitmqUrl,
      queue: definition.consumesQueue,
      retryDelaysMs: config.retryDelaysMs,
      prefetch: definition.prefetch ?? config.prefetch,
    });
  }
  await app.listen(config.port, config.bindHost);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = ['0.0.0.0', '::'].includes(config.bindHost) ? '127.0.0.1' : config.bindHost;
  let closing: Promise<void> | undefined;
  // Graceful: stop consuming and finish the messages in flight while everything they need is
  // still open; only then close HTTP, connections and the database pool.
  const close = () =>
    (closing ??= (async () => {
      await consumer?.drain();
      await app.close();
    })());
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close };
}
