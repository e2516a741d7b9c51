import { Module } from '@nestjs/common';
import { RegistryModule } from '../../registry/registry.module';
import { NcrManagementController } from './ncr-management.controller';

@Module({ imports: [RegistryModule], controllers: [NcrManagementController] })
export class NcrModule {}
