import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { ResolvedSandboxOptions, SANDBOX_OPTIONS } from '../config/sandbox-options';

/**
 * The resolved options plus what follows from them. Read lazily: the real port (and so the
 * public URL) is known only once the server listens, after the providers were built.
 */
@Injectable()
export class SandboxContext {
  constructor(@Inject(SANDBOX_OPTIONS) readonly options: ResolvedSandboxOptions) {}

  get baseUrl(): string {
    return this.options.publicUrl.replace(/\/+$/, '');
  }

  /** Where SourceCommit's bare repositories live (`<name>.git`). */
  get sourceCommitRoot(): string {
    return join(this.options.dataDir, 'sourcecommit');
  }

  /** Where the GitHub stand-in's bare repositories live (`<owner>/<repo>.git`). */
  get githubRoot(): string {
    return join(this.options.dataDir, 'github');
  }

  /** The registry's own host, as images built here name it (`127.0.0.1:<port>/<image>:<tag>`). */
  get registryHost(): string {
    return new URL(this.baseUrl).host;
  }

  /**
   * Hosts that mean "the sandbox registry" in an image reference: its own address, the
   * loopback spellings of its port, and the real NCR host of the configured registry name,
   * so a manifest written for production is checked against the same images.
   */
  isSandboxRegistryHost(host: string): boolean {
    const port = new URL(this.baseUrl).port;
    const own = new Set([
      this.registryHost,
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `${this.options.registryName}.kr.ncr.ntruss.com`,
    ]);
    return own.has(host.toLowerCase());
  }
}
