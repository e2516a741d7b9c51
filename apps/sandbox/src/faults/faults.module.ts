import { Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { FaultsController } from './faults.controller';
import { FaultsMiddleware } from './faults.middleware';
import { FaultsService } from './faults.service';

/** The one fault mechanism, in front of every party's routes. */
@Global()
@Module({ controllers: [FaultsController], providers: [FaultsService, FaultsMiddleware], exports: [FaultsService] })
export class FaultsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(FaultsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
