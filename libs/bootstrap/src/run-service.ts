import { ConfigError, loadConfig } from '@klepaas/config';
import { createLogger } from '@klepaas/observability';
import { createService } from './create-service';
import type { ServiceDefinition } from './service-definition';

/** The body of every app's main.ts: validated configuration, one logger, a clean exit on bad config. */
export async function runService(definition: ServiceDefinition): Promise<void> {
  let config;
  try {
    config = loadConfig(definition.name);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger({ app: definition.name, level: config.logLevel, secretValues: config.secretValues });
  for (const warning of config.warnings) logger.warn(warning);
  try {
    const service = await createService(definition, config, logger);
    logger.info({ url: service.url, sandbox: config.sandbox }, `${definition.name} listening on port ${config.port}`);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info(`${signal}: stopping`);
        // If something hangs, leave anyway rather than linger.
        setTimeout(() => process.exit(1), 30_000).unref();
        service.close().then(
          () => process.exit(0),
          (error) => {
            logger.error({ err: error }, 'did not stop cleanly');
            process.exit(1);
          },
        );
      });
    }
  } catch (error) {
    logger.fatal({ err: error }, `${definition.name} failed to start`);
    logger.flush();
    process.exit(1);
  }
}
