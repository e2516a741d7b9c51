import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { Build, BuildsService } from './builds.service';

/**
 * Sandbox-only: a build with what NCP's API never shows (the commit it built, the images it
 * pushed, why it failed); NCP keeps that in its console and Cloud Log Analytics.
 */
@Controller('_sandbox/builds')
export class SandboxBuildsController {
  constructor(private readonly builds: BuildsService) {}

  @Get(':buildId')
  build(@Param('buildId') buildId: string): Build {
    const build = this.builds.find(buildId);
    if (!build) throw new NotFoundException(`no build ${buildId}`);
    return build;
  }
}
