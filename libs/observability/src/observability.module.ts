import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { CorrelationMiddleware } from './correlation.middleware';
import { READINESS_CHECKS, ReadinessCheck } from './health';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { ShutdownState } from './shutdown-state';

export interface ObservabilityOptions {
  logger: Logger;
  /** Injection tokens of the ReadinessCheck providers this app's readiness depends on. */
  readinessChecks: Array<string | symbol | (new (...args: never[]) => ReadinessCheck)>;
}

const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

/** Logs, correlation ids, /health/live, /health/ready and /metrics: the same on every app. */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const checks: Provider = {
      provide: READINESS_CHECKS,
      useFactory: (...found: ReadinessCheck[]) => found,
      inject: options.readinessChecks,
    };
    return {
      module: ObservabilityModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({
          pinoHttp: {
            logger: options.logger,
            autoLogging: { ignore: (req) => QUIET_PATHS.includes(req.url ?? '') },
            customProps: (req) => ({ correlationId: (req as { correlationId?: string }).correlationId }),
            quietReqLogger: true,
            wrapSerializers: true,
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [MetricsService, ShutdownState, checks],
      exports: [MetricsService, ShutdownState],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes('*');
  }
}
