import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, CurrentPrincipal, OperatorGuard, Principal } from '@klepaas/auth';
import { BadCursorError } from '@klepaas/read-model';
import { ParkedMessagesService } from './parked-messages.service';

@ApiTags('operators')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard, OperatorGuard)
@Controller('api/v1/admin/parked')
export class ParkedController {
  constructor(private readonly parked: ParkedMessagesService) {}

  @Get()
  @ApiOperation({ summary: 'Messages parked after their retries, newest first, with the error' })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const n = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 100)
      throw new BadRequestException('limit must be an integer from 1 to 100');
    try {
      return await this.parked.list(n, cursor ?? null);
    } catch (error) {
      if (error instanceof BadCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a parked message back to the queue it failed in' })
  replay(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() operator: Principal) {
    return this.parked.replay(id, operator.userId);
  }
}
