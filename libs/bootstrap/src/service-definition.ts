import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { AppName, KlepaasConfig } from '@klepaas/config';
import type { Logger } from 'pino';

/** What makes one app: its module, whether it needs the database, and its queue if it consumes. */
export interface ServiceDefinition {
  name: AppName;
  module: (config: KlepaasConfig, logger: Logger) => DynamicModule;
  usesDatabase: boolean;
  /** The service's durable queue, when it consumes events. */
  consumesQueue?: string;
  /**
   * Messages handled at once; KLEPAAS_PREFETCH when unset. 1 keeps the queue's order, for a
   * service whose decisions depend on the order of events (the runner).
   */
  prefetch?: number;
  /** App-specific HTTP setup (body parsers, OpenAPI, CORS) before it listens. */
  configureHttp?: (app: INestApplication, config: KlepaasConfig) => void | Promise<void>;
}
