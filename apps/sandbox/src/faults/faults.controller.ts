import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { sandboxBody } from '../common/sandbox-validation';
import { FaultRule, faultRuleInput } from './fault-rule';
import { FaultsService } from './faults.service';

/** Sandbox-only: add, list and clear fault rules. */
@Controller('_sandbox/faults')
export class FaultsController {
  constructor(private readonly faults: FaultsService) {}

  @Post()
  add(@Body() body: unknown): FaultRule {
    return this.faults.add(sandboxBody(faultRuleInput, body));
  }

  @Get()
  list(): { faults: FaultRule[] } {
    return { faults: this.faults.list() };
  }

  @Delete()
  @HttpCode(200)
  clearAll(): { cleared: number } {
    return { cleared: this.faults.clear() };
  }

  @Delete(':id')
  @HttpCode(200)
  clearOne(@Param('id') id: string): { cleared: number } {
    const cleared = this.faults.clear(id);
    if (!cleared) throw new NotFoundException(`no fault rule ${id}`);
    return { cleared };
  }
}
