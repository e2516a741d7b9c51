import { Controller, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { ProjectWebhookSecrets } from '../webhooks/project-webhook-secrets';
import { ProjectViews } from './project-views';

@ApiTags('projects')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1/projects/:id/webhook-secret')
export class WebhookSecretController {
  constructor(
    private readonly views: ProjectViews,
    private readonly secrets: ProjectWebhookSecrets,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Rotate the project's repository hook secret: the new one is shown in this answer only; the old one stops working at once",
  })
  @ApiResponse({
    status: 200,
    description: '{"projectId", "webhookSecret"}: put it into the repository hook on GitHub',
  })
  @ApiResponse({ status: 404, description: "unknown, another user's, or unregistered" })
  async rotate(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<{ projectId: string; webhookSecret: string }> {
    const project = await this.views.find(id, caller.userId);
    const secret = project ? await this.secrets.rotate(id) : null;
    if (!secret) throw new NotFoundException(`project ${id} not found`);
    return { projectId: id, webhookSecret: secret };
  }
}
