import { Body, Controller, Get, Put } from '@nestjs/common';
import { sandboxBody } from '../common/sandbox-validation';
import { Timings, timingsInput, TimingsService } from './timings.service';

/** Sandbox-only: read and set build and deploy durations. */
@Controller('_sandbox/timings')
export class TimingsController {
  constructor(private readonly timings: TimingsService) {}

  @Get()
  get(): Timings {
    return this.timings.get();
  }

  @Put()
  set(@Body() body: unknown): Timings {
    return this.timings.set(sandboxBody(timingsInput, body));
  }
}
