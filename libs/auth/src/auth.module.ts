import { DynamicModule, Global, Module } from '@nestjs/common';
import { BearerAuthGuard } from './auth.guard';
import { TokenSettings, TokenVerifier } from './token-verifier';

@Global()
@Module({})
export class AuthModule {
  static forRoot(settings: TokenSettings): DynamicModule {
    const providers = [{ provide: TokenVerifier, useValue: new TokenVerifier(settings) }, BearerAuthGuard];
    return { module: AuthModule, providers, exports: providers };
  }
}
