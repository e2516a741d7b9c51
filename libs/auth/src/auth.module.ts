import { DynamicModule, Global, Module } from '@nestjs/common';
import { BearerAuthGuard } from './auth.guard';
import { TokenVerifier } from './token-verifier';

@Global()
@Module({})
export class AuthModule {
  static forRoot(jwtSecret: string): DynamicModule {
    const providers = [{ provide: TokenVerifier, useValue: new TokenVerifier(jwtSecret) }, BearerAuthGuard];
    return { module: AuthModule, providers, exports: providers };
  }
}
