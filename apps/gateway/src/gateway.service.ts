import type { ServiceDefinition } from '@klepaas/bootstrap';
import { GatewayModule } from './gateway.module';
import { ErrorShapeFilter } from './http/error-shape.filter';
import { mountOpenApi } from './http/openapi';
import { serveWebhooksFirst } from './webhooks/webhook-http.handler';
import { WebhookIntake } from './webhooks/webhook-intake.service';

export const gatewayService: ServiceDefinition = {
  name: 'gateway',
  module: (config, logger) => GatewayModule.forRoot(config, logger),
  usesDatabase: true,
  configureHttp: (app, config) => {
    serveWebhooksFirst(app.getHttpServer(), app.get(WebhookIntake), {
      maxBytes: config.webhookMaxBytes,
      bytesInFlight: config.webhookBytesInFlight,
      timeoutMs: config.webhookBodyTimeoutMs,
    });
    if (config.corsOrigins.length) {
      app.enableCors({
        origin: config.corsOrigins,
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowedHeaders: ['authorization', 'cache-control', 'content-type', 'pragma'],
      });
    }
    app.useGlobalFilters(new ErrorShapeFilter(app.getHttpAdapter()));
    mountOpenApi(app);
  },
};
