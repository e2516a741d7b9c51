import { Controller, Headers, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { WebhookIntake } from './webhook-intake.service';

export const WEBHOOK_PATHS = ['/api/v1/github/webhook', '/api/v1/cicd/webhook'];

@ApiTags('webhooks')
@Controller('api/v1')
export class WebhookController {
  constructor(private readonly intake: WebhookIntake) {}

  @Post('github/webhook')
  @ApiOperation({ summary: 'GitHub webhook (the GitHub App path); HMAC-SHA256 signed raw body' })
  @ApiHeader({ name: 'X-GitHub-Event', required: true })
  @ApiHeader({ name: 'X-GitHub-Delivery', required: true })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true, description: 'sha256=<hex HMAC of the raw body>' })
  @ApiResponse({ status: 202, description: '{"status":"accepted","deliveryId"}: verified and durably stored' })
  @ApiResponse({ status: 200, description: '{"status":"duplicate"} for a redelivery, {"status":"pong"} for ping' })
  @ApiResponse({ status: 400, description: 'missing headers, or a body that is not JSON' })
  @ApiResponse({ status: 401, description: 'missing or wrong signature, or no secret configured' })
  @ApiResponse({ status: 413, description: 'body over the cap' })
  @ApiResponse({ status: 503, description: 'the delivery could not be stored (GitHub can redeliver it)' })
  github(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Headers() headers: Record<string, string>) {
    return this.receive(req, res, headers);
  }

  /** The seed's path: the same handler. */
  @Post('cicd/webhook')
  @ApiExcludeEndpoint()
  cicd(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Headers() headers: Record<string, string>) {
    return this.receive(req, res, headers);
  }

  private async receive(req: Request, res: Response, headers: Record<string, string>) {
    const { httpStatus, body } = await this.intake.receive({
      event: headers['x-github-event'],
      deliveryId: headers['x-github-delivery'],
      signature: headers['x-hub-signature-256'],
      contentType: headers['content-type'],
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.status(httpStatus);
    return body;
  }
}
