import { Injectable } from '@nestjs/common';

export interface SourceCommitPush {
  repository: string;
  /** Branches whose head changed (created or moved) by the push. */
  branches: string[];
}

type Listener = (push: SourceCommitPush) => void;

/**
 * Git hosting tells whoever cares that a SourceCommit branch moved (SourcePipeline's
 * repository trigger), without git hosting depending on SourcePipeline.
 */
@Injectable()
export class PushEvents {
  private readonly listeners: Listener[] = [];

  onPush(listener: Listener): void {
    this.listeners.push(listener);
  }

  emit(push: SourceCommitPush): void {
    for (const listener of this.listeners) listener(push);
  }
}
