import { Module } from '@nestjs/common';
import { RegistryTokenController } from './registry-token.controller';
import { RegistryTokens } from './registry-tokens.service';
import { RegistryController } from './registry.controller';
import { RegistryStore } from './registry.store';

/** The container registry: v2 read API at /v2/, its token realm, and the image store builds fill. */
@Module({
  controllers: [RegistryController, RegistryTokenController],
  providers: [RegistryStore, RegistryTokens],
  exports: [RegistryStore],
})
export class RegistryModule {}
