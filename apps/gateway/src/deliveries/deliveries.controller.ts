import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { DeliveryView, DeliveryViewService } from './delivery-view.service';

@ApiTags('deliveries')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveryViewService) {}

  @Get(':deliveryId')
  @ApiOperation({
    summary:
      'What became of a webhook delivery: accepted (not yet decided), ignored, rejected (with the reason), skipped (with the rule) or run',
  })
  @ApiResponse({ status: 200, description: '{deliveryId, event, action?, receivedAt, status, reason?, runId?}' })
  @ApiResponse({
    status: 404,
    description:
      "unknown, or not visible to the caller (only operators and the owner of the repository's project when it arrived see a delivery)",
  })
  async get(@Param('deliveryId') deliveryId: string, @CurrentPrincipal() caller: Principal): Promise<DeliveryView> {
    const view = await this.deliveries.find(deliveryId, caller);
    if (!view) throw new NotFoundException(`delivery ${deliveryId} not found`);
    return view;
  }
}
