import { Global, Module } from '@nestjs/common';
import { TimingsController } from './timings.controller';
import { TimingsService } from './timings.service';

/** Build and deploy durations, shared by SourceBuild and SourceDeploy. */
@Global()
@Module({ controllers: [TimingsController], providers: [TimingsService], exports: [TimingsService] })
export class TimingsModule {}
