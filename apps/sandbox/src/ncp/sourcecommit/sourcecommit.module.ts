import { Module } from '@nestjs/common';
import { SourceCommitRepositories } from './repositories.store';
import { SourceCommitController } from './sourcecommit.controller';

@Module({
  controllers: [SourceCommitController],
  providers: [SourceCommitRepositories],
  exports: [SourceCommitRepositories],
})
export class SourceCommitModule {}
