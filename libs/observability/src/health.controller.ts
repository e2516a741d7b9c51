import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_CHECKS, ReadinessCheck, withTimeout } from './health';
import { ShutdownState } from './shutdown-state';

const PROBE_TIMEOUT_MS = 2000;

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** Alive unless the process is shutting down: a restart would not help anything else. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('process');
        return this.shutdown.stopping ? session.down({ message: 'shutting down' }) : session.up();
      },
    ]);
  }

  /** Ready when every dependency answers within its timeout; each down one says why. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('process');
        return this.shutdown.stopping ? session.down({ message: 'shutting down' }) : session.up();
      },
      ...this.checks.map((check) => async () => {
        const session = this.indicators.check(check.name);
        try {
          await withTimeout(check.probe(), PROBE_TIMEOUT_MS, check.name);
          return session.up();
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      }),
    ]);
  }
}
