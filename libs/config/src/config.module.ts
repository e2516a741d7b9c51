import { DynamicModule, Global, Module } from '@nestjs/common';
import { KlepaasConfig } from './config';

/** Injection token for the validated configuration of the running app. */
export const KLEPAAS_CONFIG = Symbol('KLEPAAS_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: KlepaasConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: KLEPAAS_CONFIG, useValue: config }],
      exports: [KLEPAAS_CONFIG],
    };
  }
}
