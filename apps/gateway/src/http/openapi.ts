import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { WEBHOOK_PATHS } from '../webhooks/webhook-http.handler';

/** OpenAPI at /api/docs (JSON at /api/docs-json), for dashboard authors and GitHub App setup. */
export function mountOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('K-Le-PaaS CI/CD')
      .setDescription('GitHub webhooks in; projects, runs, deployments and deliveries out.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  addWebhookPaths(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/** The webhook routes are plain Express handlers (see webhook-http.handler.ts), so they are described here. */
function addWebhookPaths(document: OpenAPIObject): void {
  const header = (name: string, description: string) => ({
    name,
    in: 'header' as const,
    required: true,
    description,
    schema: { type: 'string' },
  });
  for (const path of WEBHOOK_PATHS) {
    document.paths[path] = {
      post: {
        tags: ['webhooks'],
        summary: path.includes('cicd')
          ? "GitHub webhook (the seed's path; same handler)"
          : 'GitHub webhook (the GitHub App path)',
        parameters: [
          header('X-GitHub-Event', 'push, release, installation, installation_repositories, pull_request, ping, …'),
          header('X-GitHub-Delivery', 'the delivery id: the unique key of a delivery'),
          header(
            'X-Hub-Signature-256',
            "sha256=<hex HMAC-SHA256 of the raw body> with the App's or the project's secret",
          ),
        ],
        requestBody: { required: true, content: { 'application/json': {}, 'application/x-www-form-urlencoded': {} } },
        responses: {
          202: { description: '{"status":"accepted","deliveryId"}: verified and durably stored' },
          200: { description: '{"status":"duplicate","deliveryId"} for a redelivery; {"status":"pong"} for ping' },
          400: {
            description:
              'missing headers, or a signed payload that is not what GitHub sends (recorded as rejected with the reason)',
          },
          401: {
            description: "missing or wrong signature: neither the App's secret nor the repository's project secret",
          },
          408: { description: 'the body did not arrive in time (KLEPAAS_WEBHOOK_BODY_TIMEOUT_MS); connection closed' },
          413: {
            description: 'body over the cap (KLEPAAS_WEBHOOK_MAX_BYTES, default 25 MB); connection closed, unread',
          },
          503: {
            description:
              'too many webhook bytes in flight (Retry-After), or the delivery could not be stored; GitHub can redeliver it',
          },
        },
      },
    };
  }
}
