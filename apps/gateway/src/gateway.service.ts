import type { ServiceDefinition } from '@klepaas/bootstrap';
import { urlencoded } from 'express';
import { SETUP_PATH } from './github-app-setup/github-app-setup.controller';
import { GatewayModule } from './gateway.module';
import { ErrorShapeFilter } from './http/error-shape.filter';
import { mountInternalListener } from './http/internal-listener';
import { mountOpenApi } from './http/openapi';
import { serveWebhooksFirst } from './webhooks/webhook-http.handler';
import { WebhookIntake } from './webhooks/webhook-intake.service';

export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  module: (config, logger) => GatewayModule.forRoot(config, logger),
  usesDatabase: true,
  configureHttp: async (app, config) => {
    serveWebhooksFirst(app.getHttpServer(), app.get(WebhookIntake), {
      maxBytes: config.webhookMaxBytes,
      bytesInFlight: config.webhookBytesInFlight,
      timeoutMs: config.webhookBodyTimeoutMs,
    });
    if (config.corsOrigins.length) {
      // A dashboard on another origin (the original one sends Cache-Control and Pragma on every
      // call): a bearer token, never cookies, so no credentials; preflights cached for 10 minutes.
      app.enableCors({
        origin: config.corsOrigins,
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['authorization', 'cache-control', 'content-type', 'pragma'],
        maxAge: 600,
      });
    }
    // The GitHub App setup page is an HTML form (the only form body the gateway reads).
    app.use(SETUP_PATH, urlencoded({ extended: false, limit: '16kb' }));
    if (config.gatewayInternalPort !== undefined)
      await mountInternalListener(app, config.gatewayInternalPort, config.bindHost);
    app.useGlobalFilters(new ErrorShapeFilter(app.getHttpAdapter()));
    mountOpenApi(app);
  },
};
